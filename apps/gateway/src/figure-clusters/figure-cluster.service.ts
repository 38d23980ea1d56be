import {
  addJob,
  ClusterDatasetJob,
  ClusterQueue,
  DomainError,
  ErrorCode,
  InvalidArgumentError,
  JobName,
  parseFigureClusterId,
  QueueName,
  ResourceNotFoundError,
  TaskType,
} from '@app/contracts';
import {
  clusterSortValue,
  ClusterSortField,
  FigureClusterEntity,
  FigureClusterRepository,
  FileSearchRepository,
} from '@app/database';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { isoTime, toRange } from '../common/imm-schemas';
import { decodeNextToken, encodeNextToken, keysetPage } from '../common/next-token';
import { ResourceLookupService } from '../common/resource-lookup.service';
import {
  CreateFigureClusteringTaskRequest,
  QueryFigureClustersRequest,
  UpdateFigureClusterRequest,
} from './figure-cluster.dto';
import { toImmFigureCluster } from './figure-cluster.mapper';
import { TaskService } from '../tasks/task.service';

const clusterCursor = z.strictObject({
  s: z.enum(['CreateTime', 'UpdateTime', 'FaceCount', 'ImageCount', 'Name']),
  o: z.enum(['ASC', 'DESC']),
  v: z.union([z.string().max(512), z.number().int()]),
  i: z.uuid(),
});

/** The cursor value must have the sort column's type, or PostgreSQL would reject the comparison. */
function cursorValueFits(value: string | number, sort: ClusterSortField): boolean {
  switch (sort) {
    case 'FaceCount':
    case 'ImageCount':
      return typeof value === 'number';
    case 'CreateTime':
    case 'UpdateTime':
      return typeof value === 'string' && isoTime.safeParse(value).success;
    case 'Name':
      return typeof value === 'string';
  }
}

function clusterUuid(objectId: string): string {
  const id = parseFigureClusterId(objectId);
  if (!id)
    throw new InvalidArgumentError(`The parameter ObjectId is invalid: ${objectId.slice(0, 64)}.`, 'InvalidObjectId');
  return id;
}

@Injectable()
export class FigureClusterService {
  constructor(
    private readonly lookup: ResourceLookupService,
    private readonly clusters: FigureClusterRepository,
    private readonly search: FileSearchRepository,
    private readonly taskService: TaskService,
    @InjectQueue(QueueName.Cluster) private readonly clusterQueue: Queue<ClusterDatasetJob>,
  ) {}

  /** CreateFigureClusteringTask: records the task and queues a clustering run of the dataset. */
  async createTask(request: CreateFigureClusteringTaskRequest, requestId: string): Promise<Record<string, unknown>> {
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const { taskId, eventId } = await this.taskService.start(
      TaskType.FaceClustering,
      { projectId: project.id, datasetId: dataset.id },
      request,
      requestId,
    );
    await addJob(this.clusterQueue, ClusterQueue, {
      name: JobName.ClusterDataset,
      datasetId: dataset.id,
      trigger: 'request',
      taskId,
    });
    return { TaskId: taskId, EventId: eventId };
  }

  async query(request: QueryFigureClustersRequest): Promise<Record<string, unknown>> {
    const sort: ClusterSortField = request.Sort ?? 'CreateTime';
    const order = (request.Order ?? 'asc').toUpperCase() as 'ASC' | 'DESC';
    const cursor = decodeNextToken(request.NextToken, clusterCursor);
    if (cursor && (cursor.s !== sort || cursor.o !== order || !cursorValueFits(cursor.v, sort))) {
      throw new InvalidArgumentError('The parameter NextToken does not belong to this query.', 'InvalidNextToken');
    }
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const limit = request.MaxResults || 100;
    const filters = {
      datasetId: dataset.id,
      customLabels: request.CustomLabels,
      createTimeRange: toRange(request.CreateTimeRange),
      updateTimeRange: toRange(request.UpdateTimeRange),
    };
    const rows = await this.clusters.list({
      ...filters,
      sort,
      order,
      limit: limit + 1,
      ...(cursor ? { after: { value: cursor.v, id: cursor.i } } : {}),
    });
    const { page, continueAfter: last } = keysetPage(rows, limit);
    return {
      FigureClusters: await this.withCovers(page, { projectName: project.name, datasetName: dataset.name }),
      NextToken: last ? encodeNextToken({ s: sort, o: order, v: clusterSortValue(last, sort), i: last.id }) : '',
      ...(request.WithTotalCount ? { TotalCount: await this.clusters.count(filters) } : {}),
    };
  }

  async get(projectName: string, datasetName: string, objectId: string): Promise<Record<string, unknown>> {
    const id = clusterUuid(objectId);
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    const cluster = await this.clusters.findById(dataset.id, id);
    if (!cluster)
      throw new ResourceNotFoundError(`The figure cluster ${objectId} does not exist in dataset ${dataset.name}.`);
    const [immCluster] = await this.withCovers([cluster], { projectName: project.name, datasetName: dataset.name });
    return { FigureCluster: immCluster };
  }

  async batchGet(projectName: string, datasetName: string, objectIds: string[]): Promise<Record<string, unknown>> {
    const ids = [...new Set(objectIds.map(clusterUuid))];
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    const rows = await this.clusters.findByIds(dataset.id, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ordered = ids.map((id) => byId.get(id)).filter((r): r is FigureClusterEntity => r !== undefined);
    return { FigureClusters: await this.withCovers(ordered, { projectName: project.name, datasetName: dataset.name }) };
  }

  /**
   * UpdateFigureCluster: a user's Name/CustomLabels. With MetaLockVersion the update applies only when the stored
   * version matches (optimistic lock), so a stale client never overwrites a newer manual fix.
   */
  async update(request: UpdateFigureClusterRequest): Promise<Record<string, unknown>> {
    const input = request.FigureCluster;
    const id = clusterUuid(input.ObjectId);
    const { dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const values = {
      ...(input.Name !== undefined ? { name: input.Name } : {}),
      ...(input.CustomLabels !== undefined ? { customLabels: input.CustomLabels } : {}),
    };
    const applied = await this.clusters.updateMeta(dataset.id, id, values, input.MetaLockVersion);
    if (!applied) {
      const exists = await this.clusters.findById(dataset.id, id);
      if (!exists)
        throw new ResourceNotFoundError(
          `The figure cluster ${input.ObjectId} does not exist in dataset ${dataset.name}.`,
        );
      throw new DomainError(
        ErrorCode.ConcurrentModification,
        `The figure cluster ${input.ObjectId} was modified concurrently: MetaLockVersion is ${exists.metaLockVersion}, not ${input.MetaLockVersion}.`,
      );
    }
    return {};
  }

  private async withCovers(
    clusters: FigureClusterEntity[],
    names: { projectName: string; datasetName: string },
  ): Promise<Array<Record<string, unknown>>> {
    const covers = await this.search.covers(
      clusters.map((c) => c.coverFigureId).filter((id): id is string => id !== null),
    );
    return clusters.map((c) => toImmFigureCluster(c, names, c.coverFigureId ? covers.get(c.coverFigureId) : undefined));
  }
}
