import { DetectedFigure, FaceQueryTimings, ResourceNotFoundError, TaskType } from '@app/contracts';
import { FigureEntity, TaskRepository } from '@app/database';
import { Injectable } from '@nestjs/common';
import { immTime } from '../common/imm-schemas';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { toImmFigure } from '../files/imm-file.mapper';
import { TaskService } from '../tasks/task.service';
import { FaceQueryClient } from './face-query.client';
import { CreateFacesSearchingTaskRequest } from './faces.dto';

export interface WithTimings {
  body: Record<string, unknown>;
  timings: FaceQueryTimings;
}

/** A detected (not stored) face as an IMM Figure: GetFileMeta's fields without the ids of a stored face. */
export function toImmDetectedFigure(face: DetectedFigure): Record<string, unknown> {
  const {
    FigureId: _id,
    FigureClusterId: _cluster,
    ...figure
  } = toImmFigure({
    ...face,
    id: '',
    clusterId: null,
    clusterState: 'unavailable',
  } as unknown as FigureEntity);
  return figure;
}

/** DetectImageFaces, CompareImageFaces, SearchImageFigureCluster and CreateFacesSearchingTask. */
@Injectable()
export class FacesService {
  constructor(
    private readonly lookup: ResourceLookupService,
    private readonly client: FaceQueryClient,
    private readonly taskService: TaskService,
    private readonly tasks: TaskRepository,
  ) {}

  async detect(projectName: string, uri: string): Promise<WithTimings> {
    await this.lookup.project(projectName);
    const { answer, timings } = await this.client.ask({ op: 'detect', uri });
    return { body: { Faces: answer.faces.map(toImmDetectedFigure) }, timings };
  }

  /** Similarity of the largest face of each image; no Similarity when either image has no face. */
  async compare(projectName: string, uri1: string, uri2: string): Promise<WithTimings> {
    await this.lookup.project(projectName);
    const { answer, timings } = await this.client.ask({ op: 'compare', uris: [uri1, uri2] });
    return { body: answer.similarity === null ? {} : { Similarity: answer.similarity }, timings };
  }

  async search(projectName: string, datasetName: string, uri: string): Promise<WithTimings> {
    const { dataset } = await this.lookup.dataset(projectName, datasetName);
    const { answer, timings } = await this.client.ask({ op: 'search', datasetId: dataset.id, uri });
    return {
      body: {
        Clusters: answer.clusters.map((c) => ({
          ClusterId: c.clusterId,
          Similarity: c.similarity,
          Boundary: c.boundary,
        })),
      },
      timings,
    };
  }

  async createTask(request: CreateFacesSearchingTaskRequest, requestId: string): Promise<Record<string, unknown>> {
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const uris = request.Sources.map((s) => s.URI);
    const { taskId, eventId } = await this.taskService.start(
      TaskType.FacesSearching,
      { projectId: project.id, datasetId: dataset.id },
      request,
      requestId,
      { Sources: uris, MaxResult: request.MaxResult ?? 5 },
    );
    await this.client.enqueueTask({ datasetId: dataset.id, taskId, uris, maxResult: request.MaxResult ?? 5 });
    return { TaskId: taskId, EventId: eventId };
  }

  /** Extension: what the task's notification carried, readable until the task expires. */
  async result(projectName: string, taskId: string): Promise<Record<string, unknown>> {
    const project = await this.lookup.project(projectName);
    const task = await this.tasks.findLive(project.id, taskId);
    if (!task || task.taskType !== TaskType.FacesSearching)
      throw new ResourceNotFoundError(`The task ${taskId.slice(0, 128)} does not exist.`);
    return {
      TaskId: task.id,
      Status: task.status,
      Code: task.code ?? '',
      Message: task.message ?? '',
      StartTime: immTime(task.startTime),
      EndTime: immTime(task.endTime),
      Results: Array.isArray(task.details?.['Results']) ? task.details['Results'] : [],
    };
  }
}
