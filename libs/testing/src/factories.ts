import { randomUUID } from 'node:crypto';
import {
  BindingEntity,
  ClusterChangeEntity,
  DatasetEntity,
  FigureClusterEntity,
  FigureEntity,
  FileEntity,
  ProjectEntity,
  TaskEntity,
} from '@app/database';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Test factories: each builder inserts one row through the project's TypeORM entity and returns the saved
 * entity (generated ids, column defaults and timestamps filled in). Every field has a valid default, so a
 * test names only what it asserts on; a parent that is not given is created too (a figure without a file gets a
 * file, a dataset and a project).
 *
 *   const make = entityFactories(dataSource);
 *   const file = await make.file({ uri: 'oss://photos/a.jpg' });
 *   const cluster = await make.figureCluster({ datasetId: file.datasetId, faceCount: 2 });
 *   await make.figure({ fileId: file.id, clusterId: cluster.id, embedding: [1, 0, 0] });
 */
export interface EntityFactories {
  project(values?: Partial<ProjectEntity>): Promise<ProjectEntity>;
  dataset(values?: Partial<DatasetEntity>): Promise<DatasetEntity>;
  file(values?: Partial<FileEntity>): Promise<FileEntity>;
  /**
   * A face. `embedding` may be given as numbers (stored as little-endian float32, as the indexer stores it,
   * L2-normalised unless `normalise: false`); the default is a unit vector of 512 dimensions. A `clusterId`
   * without a `clusterState` makes the face `clustered`.
   */
  figure(
    values?: Omit<Partial<FigureEntity>, 'embedding'> & {
      embedding?: Buffer | ArrayLike<number>;
      normalise?: boolean;
    },
  ): Promise<FigureEntity>;
  figureCluster(values?: Partial<FigureClusterEntity>): Promise<FigureClusterEntity>;
  /** A Running task (as TaskRepository.create records one) expiring in 7 days unless `expiresAt` is given. */
  task(values?: Partial<TaskEntity>): Promise<TaskEntity>;
  binding(values?: Partial<BindingEntity>): Promise<BindingEntity>;
  clusterChange(values?: Partial<ClusterChangeEntity>): Promise<ClusterChangeEntity>;
}

/** 512 float32 values, little-endian, the figures table's embedding format. */
export function embeddingBuffer(vector: ArrayLike<number>, normalise = true): Buffer {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  const scale = normalise && norm > 0 ? 1 / Math.sqrt(norm) : 1;
  const buffer = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) buffer.writeFloatLE(vector[i] * scale, i * 4);
  return buffer;
}

/** A unit vector along `axis` (default 0) of `dimensions` values. */
export function axisVector(axis = 0, dimensions = 512): Float32Array {
  const vector = new Float32Array(dimensions);
  vector[axis % dimensions] = 1;
  return vector;
}

export function entityFactories(db: DataSource | EntityManager): EntityFactories {
  const manager = db instanceof DataSource ? db.manager : db;
  const insert = <T extends ObjectLiteral>(target: EntityTarget<T>, values: Partial<T>): Promise<T> =>
    manager.save(target, manager.create(target, values as T));
  let counter = 0;
  const unique = (prefix: string): string => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;

  const factories: EntityFactories = {
    project: (values = {}) => insert(ProjectEntity, { name: unique('project'), ...values }),

    async dataset(values = {}) {
      const projectId = values.projectId ?? (await factories.project()).id;
      return insert(DatasetEntity, { name: unique('dataset'), ...values, projectId });
    },

    async file(values = {}) {
      const datasetId = values.datasetId ?? (await factories.dataset()).id;
      const objectKey = values.objectKey ?? `${unique('photo')}.jpg`;
      const bucket = values.bucket ?? 'photos';
      return insert(FileEntity, {
        bucket,
        objectKey,
        uri: `oss://${bucket}/${objectKey}`,
        ...values,
        datasetId,
      });
    },

    async figure(values = {}) {
      const { embedding, normalise, ...rest } = values;
      let fileId = rest.fileId;
      let datasetId = rest.datasetId;
      if (!fileId) {
        const file = await factories.file(datasetId ? { datasetId } : {});
        fileId = file.id;
        datasetId = file.datasetId;
      } else if (!datasetId) {
        datasetId = (await manager.findOneByOrFail(FileEntity, { id: fileId })).datasetId;
      }
      const vector = embedding ?? axisVector();
      return insert(FigureEntity, {
        left: 10,
        top: 10,
        width: 80,
        height: 80,
        figureConfidence: 0.99,
        faceQuality: 0.9,
        isHD: true,
        clusterState: rest.clusterId ? 'clustered' : 'unavailable',
        ...rest,
        fileId,
        datasetId,
        embedding: Buffer.isBuffer(vector) ? vector : embeddingBuffer(vector, normalise ?? true),
      });
    },

    async figureCluster(values = {}) {
      const datasetId = values.datasetId ?? (await factories.dataset()).id;
      return insert(FigureClusterEntity, { id: randomUUID(), ...values, datasetId });
    },

    async task(values = {}) {
      const projectId = values.projectId ?? (await factories.project()).id;
      const taskType = values.taskType ?? 'FaceClustering';
      return insert(TaskEntity, {
        id: `${taskType}-${randomUUID()}`,
        eventId: randomUUID(),
        expiresAt: new Date(Date.now() + 7 * 86_400_000),
        ...values,
        taskType,
        projectId,
      });
    },

    async binding(values = {}) {
      const datasetId = values.datasetId ?? (await factories.dataset()).id;
      const bucket = values.bucket ?? 'photos';
      const prefix = values.prefix ?? '';
      return insert(BindingEntity, { bucket, prefix, uri: `oss://${bucket}/${prefix}`, ...values, datasetId });
    },

    async clusterChange(values = {}) {
      const datasetId = values.datasetId ?? (await factories.dataset()).id;
      return insert(ClusterChangeEntity, { kind: 'merge', ...values, datasetId });
    },
  };
  return factories;
}
