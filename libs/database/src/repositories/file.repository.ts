import { Injectable } from '@nestjs/common';
import { JsonObject } from '../entities/json';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { FigureEntity, FileEntity } from '../entities';

export interface PendingFileInput {
  datasetId: string;
  uri: string;
  bucket: string;
  objectKey: string;
  customId?: string | null;
  customLabels?: Record<string, string>;
  extra?: JsonObject;
  userData?: string | null;
}

export interface IndexedImageInfo {
  etag: string | null;
  size: number | null;
  contentType: string | null;
  fileModifiedTime: Date | null;
  imageWidth: number;
  imageHeight: number;
  imageFormat: string;
}

/** A face ready to be stored: everything of FigureEntity the indexer computes. */
export type NewFigure = Omit<
  FigureEntity,
  'id' | 'fileId' | 'datasetId' | 'clusterId' | 'clusterState' | 'createTime' | 'file' | 'dataset' | 'cluster'
>;

/** An indexed file and its faces' boxes: what recomputing the face attributes needs. */
export interface FileFaces {
  fileId: string;
  datasetId: string;
  bucket: string;
  objectKey: string;
  figures: Array<{ id: string; left: number; top: number; width: number; height: number }>;
}

/** Recomputed age and gender of one stored face. */
export interface FigureAttributesUpdate {
  id: string;
  age: number | null;
  ageSD: number | null;
  gender: string | null;
  genderConfidence: number | null;
}

/** Files and their figures: one aggregate (figures die with their file). */
@Injectable()
export class FileRepository {
  private readonly files: Repository<FileEntity>;
  private readonly figures: Repository<FigureEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.files = dataSource.getRepository(FileEntity);
    this.figures = dataSource.getRepository(FigureEntity);
  }

  /**
   * Records files as pending (insert, or reset an existing row of the same dataset and URI).
   * Returns the rows in input order.
   */
  async upsertPending(inputs: PendingFileInput[]): Promise<FileEntity[]> {
    if (inputs.length === 0) return [];
    await this.files
      .createQueryBuilder()
      .insert()
      .values(
        inputs.map((i) => ({
          datasetId: i.datasetId,
          uri: i.uri,
          bucket: i.bucket,
          objectKey: i.objectKey,
          customId: i.customId ?? null,
          customLabels: i.customLabels ?? {},
          extra: i.extra ?? {},
          userData: i.userData ?? null,
          status: 'pending',
          errorCode: null,
          errorMessage: null,
        })),
      )
      .orUpdate(
        ['custom_id', 'custom_labels', 'extra', 'user_data', 'status', 'error_code', 'error_message', 'update_time'],
        ['dataset_id', 'uri'],
      )
      .execute();
    const rows = await this.files.find({
      where: inputs.map((i) => ({ datasetId: i.datasetId, uri: i.uri })),
    });
    const byKey = new Map(rows.map((r) => [`${r.datasetId}\u0000${r.uri}`, r]));
    return inputs.map((i) => byKey.get(`${i.datasetId}\u0000${i.uri}`)!);
  }

  /** Files of the dataset waiting for or being indexed (the dataset's indexing backlog; fair indexing). */
  countPending(datasetId: string): Promise<number> {
    return this.files.count({ where: { datasetId, status: 'pending' } });
  }

  findById(id: string): Promise<FileEntity | null> {
    return this.files.findOne({ where: { id } });
  }

  findByUri(datasetId: string, uri: string): Promise<FileEntity | null> {
    return this.files.findOne({ where: { datasetId, uri } });
  }

  findByUris(datasetId: string, uris: string[]): Promise<FileEntity[]> {
    if (uris.length === 0) return Promise.resolve([]);
    return this.files.find({ where: { datasetId, uri: In(uris) } });
  }

  /** Figures of the given files, in face order (for GetFileMeta / SimpleQuery responses). */
  figuresOfFiles(fileIds: string[]): Promise<FigureEntity[]> {
    if (fileIds.length === 0) return Promise.resolve([]);
    return this.figures.find({
      where: { fileId: In(fileIds) },
      order: { fileId: 'ASC', faceIndex: 'ASC' },
      select: figureColumnsWithoutBlobs,
    });
  }

  findFigure(figureId: string): Promise<FigureEntity | null> {
    return this.figures.findOne({ where: { id: figureId } });
  }

  /**
   * One page (by file id) of the indexed files that have faces, with their faces' boxes, of one dataset or of
   * every dataset when `datasetId` is null.
   */
  async filesWithFaces(datasetId: string | null, afterFileId: string | null, limit: number): Promise<FileFaces[]> {
    const rows: Array<{
      fileId: string;
      datasetId: string;
      bucket: string;
      objectKey: string;
      figures: FileFaces['figures'];
    }> = await this.dataSource.query(
      `SELECT f.id AS "fileId", f.dataset_id AS "datasetId", f.bucket, f.object_key AS "objectKey",
              json_agg(json_build_object('id', g.id, 'left', g.box_left, 'top', g.box_top,
                                         'width', g.box_width, 'height', g.box_height) ORDER BY g.face_index) AS figures
         FROM files f JOIN figures g ON g.file_id = f.id
        WHERE ($1::uuid IS NULL OR f.dataset_id = $1::uuid) AND ($2::uuid IS NULL OR f.id > $2::uuid)
        GROUP BY f.id ORDER BY f.id LIMIT $3`,
      [datasetId, afterFileId, limit],
    );
    return rows;
  }

  /** Writes recomputed age and gender onto stored faces (nothing else of the face changes). */
  async updateFigureAttributes(rows: FigureAttributesUpdate[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `UPDATE figures g SET age = u.age, age_sd = u.age_sd, gender = u.gender, gender_confidence = u.gender_confidence
         FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, age real, age_sd real, gender varchar, gender_confidence real)
        WHERE g.id = u.id`,
      [
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            age: r.age,
            age_sd: r.ageSD,
            gender: r.gender,
            gender_confidence: r.genderConfidence,
          })),
        ),
      ],
    );
  }

  /** A page of a dataset's faces with their embeddings and file URIs, by figure id (for exhaustive face search). */
  embeddingPage(
    datasetId: string,
    afterId: string | null,
    limit: number,
  ): Promise<
    Array<{ id: string; uri: string; embedding: Buffer; left: number; top: number; width: number; height: number }>
  > {
    return this.dataSource.query(
      `SELECT f.id, fi.uri, f.embedding, f.box_left AS "left", f.box_top AS "top", f.box_width AS "width",
              f.box_height AS "height"
         FROM figures f JOIN files fi ON fi.id = f.file_id
        WHERE f.dataset_id = $1 AND ($2::uuid IS NULL OR f.id > $2::uuid)
        ORDER BY f.id LIMIT $3`,
      [datasetId, afterId, limit],
    );
  }

  async thumbnail(figureId: string): Promise<Buffer | null> {
    const row = await this.figures.findOne({ where: { id: figureId }, select: { id: true, thumbnail: true } });
    return row?.thumbnail ?? null;
  }

  /** Deletes files by URI; their figures go with them (FK cascade). Returns the deleted rows. */
  async deleteByUris(datasetId: string, uris: string[]): Promise<Array<{ id: string; uri: string }>> {
    if (uris.length === 0) return [];
    // TypeORM returns [rows, affectedCount] for DELETE ... RETURNING.
    const [rows]: [Array<{ id: string; uri: string }>, number] = await this.dataSource.query(
      'DELETE FROM files WHERE dataset_id = $1 AND uri = ANY($2::text[]) RETURNING id, uri',
      [datasetId, uris],
    );
    return rows;
  }

  /** Deletes every file of a dataset whose URI starts with `uriPrefix` (DeleteBinding with Cleanup). */
  async deleteByUriPrefix(datasetId: string, uriPrefix: string): Promise<Array<{ id: string; uri: string }>> {
    // TypeORM returns [rows, affectedCount] for DELETE ... RETURNING.
    const [rows]: [Array<{ id: string; uri: string }>, number] = await this.dataSource.query(
      'DELETE FROM files WHERE dataset_id = $1 AND left(uri, length($2::text)) = $2::text RETURNING id, uri',
      [datasetId, uriPrefix],
    );
    return rows;
  }

  async markFailed(fileId: string, code: string, message: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(FigureEntity, { fileId });
      await manager.update(
        FileEntity,
        { id: fileId },
        {
          status: 'failed',
          // Forget the ETag: a later upload of the same bytes must be indexed again, not skipped as unchanged.
          etag: null,
          errorCode: code,
          errorMessage: message.slice(0, 2000),
          figureCount: 0,
          indexedTime: new Date(),
        },
      );
    });
  }

  /** Marks a file indexed without touching its figures (content unchanged since the last index). */
  async markUnchanged(fileId: string): Promise<void> {
    await this.files.update(
      { id: fileId },
      { status: 'indexed', errorCode: null, errorMessage: null, indexedTime: new Date() },
    );
  }

  /**
   * Replaces a file's figures with a fresh detection result in one transaction, so a re-index never
   * duplicates faces and a crash leaves the previous state.
   */
  async completeIndexing(
    fileId: string,
    info: IndexedImageInfo,
    figures: NewFigure[],
    /** Runs in the same transaction once the figures are saved (e.g. recording stranger events). */
    onSaved?: (manager: EntityManager, saved: FigureEntity[], datasetId: string) => Promise<void>,
  ): Promise<FigureEntity[]> {
    return this.dataSource.transaction(async (manager) => {
      const file = await manager.findOne(FileEntity, { where: { id: fileId }, lock: { mode: 'pessimistic_write' } });
      if (!file) return [];
      await manager.delete(FigureEntity, { fileId });
      let saved: FigureEntity[] = [];
      if (figures.length > 0) {
        const rows = figures.map((f, index) =>
          manager.create(FigureEntity, {
            ...f,
            faceIndex: index,
            fileId,
            datasetId: file.datasetId,
            clusterId: null,
            clusterState: 'unavailable',
          }),
        );
        saved = await manager.save(FigureEntity, rows);
      }
      await manager.update(
        FileEntity,
        { id: fileId },
        {
          ...info,
          status: 'indexed',
          errorCode: null,
          errorMessage: null,
          figureCount: figures.length,
          indexedTime: new Date(),
        },
      );
      if (onSaved) await onSaved(manager, saved, file.datasetId);
      return saved;
    });
  }

  /** Files of a dataset in one status, by URI (keyset: `after` is the last URI of the previous page). */
  listByStatus(datasetId: string, status: string, options: { after?: string; limit: number }): Promise<FileEntity[]> {
    const qb = this.files
      .createQueryBuilder('f')
      .where('f.dataset_id = :datasetId AND f.status = :status', { datasetId, status })
      .orderBy('f.uri', 'ASC')
      .limit(options.limit);
    if (options.after !== undefined) qb.andWhere('f.uri > :after', { after: options.after });
    return qb.getMany();
  }

  /** Files holding at least one face of a cluster, by URI (keyset: `after` is the last URI). */
  filesOfCluster(clusterId: string, options: { after?: string; limit: number }): Promise<FileEntity[]> {
    const qb = this.files
      .createQueryBuilder('f')
      .where('EXISTS (SELECT 1 FROM figures g WHERE g.file_id = f.id AND g.cluster_id = :clusterId)', { clusterId })
      .orderBy('f.uri', 'ASC')
      .limit(options.limit);
    if (options.after !== undefined) qb.andWhere('f.uri > :after', { after: options.after });
    return qb.getMany();
  }

  /** Faces of a dataset in the given cluster states (e.g. independent), by id (keyset: `after` is the last id). */
  figuresInStates(
    datasetId: string,
    states: string[],
    options: { after?: string; limit: number },
  ): Promise<FigureEntity[]> {
    const qb = this.figures
      .createQueryBuilder('g')
      .select(Object.keys(figureColumnsWithoutBlobs).map((k) => `g.${k}`))
      .where('g.dataset_id = :datasetId AND g.cluster_state IN (:...states)', { datasetId, states })
      .orderBy('g.id', 'ASC')
      .limit(options.limit);
    if (options.after !== undefined) qb.andWhere('g.id > :after', { after: options.after });
    return qb.getMany();
  }

  findByIds(ids: string[]): Promise<FileEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.files.find({ where: { id: In(ids) } });
  }
}

/** Every figure column except the embedding and the thumbnail, which only workers and the thumbnail route read. */
export const figureColumnsWithoutBlobs = {
  id: true,
  fileId: true,
  datasetId: true,
  clusterId: true,
  clusterState: true,
  faceIndex: true,
  left: true,
  top: true,
  width: true,
  height: true,
  figureConfidence: true,
  age: true,
  ageSD: true,
  gender: true,
  genderConfidence: true,
  pitch: true,
  roll: true,
  yaw: true,
  emotion: true,
  emotionConfidence: true,
  mouth: true,
  mouthConfidence: true,
  eyesOpen: true,
  sharpness: true,
  faceQuality: true,
  isHD: true,
  createTime: true,
} as const;
