import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { DatasetEntity, ProjectEntity } from '../entities';
import { escapeLike } from './project.repository';

export interface DatasetCounts {
  fileCount: number;
  totalFileSize: number;
  failedFileCount: number;
  pendingFileCount: number;
  figureCount: number;
  unclusteredFigureCount: number;
  independentFigureCount: number;
  figureClusterCount: number;
  bindCount: number;
}

@Injectable()
export class DatasetRepository {
  private readonly datasets: Repository<DatasetEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.datasets = dataSource.getRepository(DatasetEntity);
  }

  findByName(projectId: string, name: string): Promise<DatasetEntity | null> {
    return this.datasets.findOne({ where: { projectId, name } });
  }

  findById(id: string): Promise<DatasetEntity | null> {
    return this.datasets.findOne({ where: { id } });
  }

  /** The dataset with its project (workers need the names for notifications). */
  findWithProject(id: string): Promise<(DatasetEntity & { project: ProjectEntity }) | null> {
    return this.datasets.findOne({ where: { id }, relations: { project: true } }) as Promise<
      (DatasetEntity & { project: ProjectEntity }) | null
    >;
  }

  async create(values: Partial<DatasetEntity> & { projectId: string; name: string }): Promise<DatasetEntity | null> {
    const result = await this.datasets.createQueryBuilder().insert().values(values).orIgnore().returning('*').execute();
    if (result.identifiers.length === 0 || !result.identifiers[0]) return null;
    return this.findByName(values.projectId, values.name);
  }

  async update(id: string, values: Partial<DatasetEntity>): Promise<void> {
    await this.datasets.update({ id }, values);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.datasets.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  list(projectId: string, options: { prefix?: string; after?: string; limit: number }): Promise<DatasetEntity[]> {
    const qb = this.datasets
      .createQueryBuilder('d')
      .where('d.project_id = :projectId', { projectId })
      .orderBy('d.name', 'ASC')
      .limit(options.limit);
    if (options.prefix) qb.andWhere('d.name LIKE :prefix', { prefix: `${escapeLike(options.prefix)}%` });
    if (options.after !== undefined) qb.andWhere('d.name > :after', { after: options.after });
    return qb.getMany();
  }

  countInProject(projectId: string): Promise<number> {
    return this.datasets.count({ where: { projectId } });
  }

  async counts(datasetId: string): Promise<DatasetCounts> {
    const [row]: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT
         (SELECT COUNT(*) FROM files WHERE dataset_id = $1) AS "fileCount",
         (SELECT COALESCE(SUM(size), 0) FROM files WHERE dataset_id = $1) AS "totalFileSize",
         (SELECT COUNT(*) FROM files WHERE dataset_id = $1 AND status = 'failed') AS "failedFileCount",
         (SELECT COUNT(*) FROM files WHERE dataset_id = $1 AND status = 'pending') AS "pendingFileCount",
         (SELECT COUNT(*) FROM figures WHERE dataset_id = $1) AS "figureCount",
         (SELECT COUNT(*) FROM figures WHERE dataset_id = $1 AND cluster_state = 'unavailable') AS "unclusteredFigureCount",
         (SELECT COUNT(*) FROM figures WHERE dataset_id = $1 AND cluster_state = 'independent') AS "independentFigureCount",
         (SELECT COUNT(*) FROM figure_clusters WHERE dataset_id = $1) AS "figureClusterCount",
         (SELECT COUNT(*) FROM bindings WHERE dataset_id = $1) AS "bindCount"`,
      [datasetId],
    );
    const out = {} as DatasetCounts;
    for (const [key, value] of Object.entries(row ?? {})) {
      (out as unknown as Record<string, number>)[key] = Number(value);
    }
    return out;
  }
}
