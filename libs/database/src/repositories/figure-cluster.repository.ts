import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { FigureClusterEntity } from '../entities';
import { ClusteringTransaction } from './clustering-transaction';

export type ClusterSortField = 'CreateTime' | 'UpdateTime' | 'FaceCount' | 'ImageCount' | 'Name';

// Times sort at millisecond precision: keyset cursors carry JS Dates (ms), and PostgreSQL keeps microseconds,
// so comparing raw columns with a cursor value would repeat or skip rows of the same millisecond.
const sortColumn: Record<ClusterSortField, string> = {
  CreateTime: "date_trunc('milliseconds', c.create_time)",
  UpdateTime: "date_trunc('milliseconds', c.update_time)",
  FaceCount: 'c.face_count',
  ImageCount: 'c.image_count',
  Name: 'c.name',
};

/** A cluster's value of the sort key, as keyset cursors carry it (times as ISO strings, at ms like the SQL). */
export function clusterSortValue(cluster: FigureClusterEntity, sort: ClusterSortField): string | number {
  switch (sort) {
    case 'CreateTime':
      return cluster.createTime.toISOString();
    case 'UpdateTime':
      return cluster.updateTime.toISOString();
    case 'FaceCount':
      return cluster.faceCount;
    case 'ImageCount':
      return cluster.imageCount;
    case 'Name':
      return cluster.name;
  }
}

export interface ClusterListQuery {
  datasetId: string;
  sort: ClusterSortField;
  order: 'ASC' | 'DESC';
  limit: number;
  /** Keyset cursor: the sort value and id of the last row of the previous page. */
  after?: { value: string | number; id: string };
  createTimeRange?: { start?: Date; end?: Date };
  updateTimeRange?: { start?: Date; end?: Date };
  /** IMM's ObjectId filter on QueryFigureClusters (cluster uuids). */
  ids?: string[];
  customLabels?: Record<string, string>;
}

/** Columns for API responses: everything but the clustering summary blob. */
const publicColumns = {
  id: true,
  datasetId: true,
  name: true,
  customLabels: true,
  metaLockVersion: true,
  faceCount: true,
  imageCount: true,
  videoCount: true,
  gender: true,
  averageAge: true,
  minAge: true,
  maxAge: true,
  coverFigureId: true,
  createTime: true,
  updateTime: true,
} as const;

@Injectable()
export class FigureClusterRepository {
  private readonly clusters: Repository<FigureClusterEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.clusters = dataSource.getRepository(FigureClusterEntity);
  }

  findById(datasetId: string, id: string): Promise<FigureClusterEntity | null> {
    return this.clusters.findOne({ where: { datasetId, id }, select: publicColumns });
  }

  findByIds(datasetId: string, ids: string[]): Promise<FigureClusterEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.clusters.find({ where: { datasetId, id: In(ids) }, select: publicColumns });
  }

  /**
   * Every cluster of the dataset with what tells that its summary changed (a clustering run rewrites the stats and
   * update_time of each cluster it touches), for readers that keep the summaries in memory.
   */
  summaryVersions(datasetId: string): Promise<Array<{ id: string; version: string }>> {
    return this.dataSource.query(
      `SELECT id, (extract(epoch FROM update_time)::text || ':' || face_count::text) AS version
         FROM figure_clusters WHERE dataset_id = $1`,
      [datasetId],
    );
  }

  /** Serialised summaries of these clusters (null until a run wrote one). */
  summaries(datasetId: string, ids: string[]): Promise<Array<{ id: string; summary: Buffer | null }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT id, summary FROM figure_clusters WHERE dataset_id = $1 AND id = ANY($2::uuid[])`,
      [datasetId, ids],
    );
  }

  async list(query: ClusterListQuery): Promise<FigureClusterEntity[]> {
    const column = sortColumn[query.sort];
    const qb = this.clusters
      .createQueryBuilder('c')
      .select(Object.keys(publicColumns).map((k) => `c.${k}`))
      .where('c.dataset_id = :datasetId', { datasetId: query.datasetId })
      .orderBy(column, query.order)
      .addOrderBy('c.id', query.order)
      .limit(query.limit);
    if (query.ids?.length) qb.andWhere('c.id IN (:...ids)', { ids: query.ids });
    if (query.customLabels && Object.keys(query.customLabels).length > 0) {
      qb.andWhere('c.custom_labels @> :labels::jsonb', { labels: JSON.stringify(query.customLabels) });
    }
    const range = (col: string, key: string, r?: { start?: Date; end?: Date }): void => {
      if (r?.start) qb.andWhere(`${col} >= :${key}Start`, { [`${key}Start`]: r.start });
      if (r?.end) qb.andWhere(`${col} <= :${key}End`, { [`${key}End`]: r.end });
    };
    range('c.create_time', 'ct', query.createTimeRange);
    range('c.update_time', 'ut', query.updateTimeRange);
    if (query.after) {
      const op = query.order === 'ASC' ? '>' : '<';
      qb.andWhere(`(${column}, c.id) ${op} (:afterValue, :afterId)`, {
        afterValue: query.after.value,
        afterId: query.after.id,
      });
    }
    return qb.getMany();
  }

  count(query: Omit<ClusterListQuery, 'sort' | 'order' | 'limit' | 'after'>): Promise<number> {
    const qb = this.clusters.createQueryBuilder('c').where('c.dataset_id = :datasetId', { datasetId: query.datasetId });
    if (query.ids?.length) qb.andWhere('c.id IN (:...ids)', { ids: query.ids });
    if (query.customLabels && Object.keys(query.customLabels).length > 0) {
      qb.andWhere('c.custom_labels @> :labels::jsonb', { labels: JSON.stringify(query.customLabels) });
    }
    // The same time filters as list(), so TotalCount matches the pages.
    const range = (col: string, key: string, r?: { start?: Date; end?: Date }): void => {
      if (r?.start) qb.andWhere(`${col} >= :${key}Start`, { [`${key}Start`]: r.start });
      if (r?.end) qb.andWhere(`${col} <= :${key}End`, { [`${key}End`]: r.end });
    };
    range('c.create_time', 'ct', query.createTimeRange);
    range('c.update_time', 'ut', query.updateTimeRange);
    return qb.getCount();
  }

  /**
   * Renames or relabels a cluster. With `expectedVersion`, the update applies only when the stored
   * MetaLockVersion matches (IMM's optimistic lock); returns false otherwise.
   */
  async updateMeta(
    datasetId: string,
    id: string,
    values: { name?: string; customLabels?: Record<string, string> },
    expectedVersion?: number,
  ): Promise<boolean> {
    const qb = this.clusters
      .createQueryBuilder()
      .update()
      .set({ ...values, metaLockVersion: () => 'meta_lock_version + 1' })
      .where('dataset_id = :datasetId AND id = :id', { datasetId, id });
    if (expectedVersion !== undefined) qb.andWhere('meta_lock_version = :expectedVersion', { expectedVersion });
    const result = await qb.execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Whether a clustering run of the dataset has anything to do: faces not clustered yet, or clusters whose
   * stored FaceCount no longer matches their members (files deleted or re-indexed since the last run).
   */
  async hasClusteringWork(datasetId: string): Promise<boolean> {
    const [row]: Array<{ work: boolean }> = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM figures WHERE dataset_id = $1 AND cluster_state = 'unavailable')
           OR EXISTS (SELECT 1 FROM figure_clusters c WHERE c.dataset_id = $1
                        AND c.face_count <> (SELECT COUNT(*) FROM figures f WHERE f.cluster_id = c.id)) AS work`,
      [datasetId],
    );
    return Boolean(row?.work);
  }

  /**
   * Runs one clustering run of a dataset in ONE transaction holding the dataset's advisory lock
   * (pg_try_advisory_xact_lock, released at commit/rollback), so two clusterer replicas never cluster the
   * same dataset at once (Immich #28051). Returns `{ acquired: false }` without calling `run` when another
   * run holds the lock.
   */
  async runClusteringTransaction<T>(
    datasetId: string,
    run: (tx: ClusteringTransaction) => Promise<T>,
  ): Promise<{ acquired: true; result: T } | { acquired: false }> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ locked: boolean }> = await manager.query(
        'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
        [`facecluster:cluster-run:${datasetId}`],
      );
      if (!row?.locked) return { acquired: false as const };
      return { acquired: true as const, result: await run(new ClusteringTransaction(manager, datasetId)) };
    });
  }
}
