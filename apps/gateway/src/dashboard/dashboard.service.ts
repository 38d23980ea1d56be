import { FileStatus, ResourceNotFoundError, toFigureClusterId } from '@app/contracts';
import {
  clusterSortValue,
  ClusterSortField,
  DatasetCounts,
  DatasetEntity,
  DatasetRepository,
  DueFaceEvent,
  FaceEventRepository,
  FigureClusterEntity,
  FigureClusterRepository,
  FigureEntity,
  FileEntity,
  FileRepository,
  ProjectEntity,
  ProjectRepository,
  TaskEntity,
  TaskRepository,
} from '@app/database';
import { StorageRepository } from '@app/storage';
import { Injectable } from '@nestjs/common';
import { keysetPage } from '../common/next-token';
import { thumbnailUrl } from '../face-events/face-event-body';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export const CLUSTER_SORTS: ClusterSortField[] = ['FaceCount', 'ImageCount', 'Name', 'CreateTime', 'UpdateTime'];
export const CLUSTERS_PER_PAGE = 60;
export const FILES_PER_PAGE = 24;
export const FACES_PER_PAGE = 60;

export interface DatasetSummary {
  dataset: DatasetEntity;
  counts: DatasetCounts;
}

export interface ProjectSummary {
  project: ProjectEntity;
  datasets: DatasetSummary[];
}

export interface ClusterPageQuery {
  sort: ClusterSortField;
  order: 'ASC' | 'DESC';
  after?: string;
}

export interface ImageWithFaces {
  file: FileEntity;
  faces: FigureEntity[];
}

/** Read models for the operator dashboard; everything goes through the repositories. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly datasets: DatasetRepository,
    private readonly files: FileRepository,
    private readonly clusters: FigureClusterRepository,
    private readonly tasks: TaskRepository,
    private readonly storage: StorageRepository,
    private readonly faceEvents: FaceEventRepository,
  ) {}

  async overview(limit = 100): Promise<ProjectSummary[]> {
    const projects = await this.projects.list({ limit });
    return Promise.all(
      projects.map(async (project) => {
        const datasets = await this.datasets.list(project.id, { limit });
        const summaries = await Promise.all(
          datasets.map(async (dataset) => ({ dataset, counts: await this.datasets.counts(dataset.id) })),
        );
        return { project, datasets: summaries };
      }),
    );
  }

  async dataset(datasetId: string): Promise<DatasetSummary & { project: ProjectEntity }> {
    const dataset = uuid.test(datasetId) ? await this.datasets.findWithProject(datasetId) : null;
    if (!dataset) throw new ResourceNotFoundError(`The dataset ${datasetId} does not exist.`);
    return { dataset, project: dataset.project, counts: await this.datasets.counts(dataset.id) };
  }

  /** One keyset page of a dataset's people; `next` is the cursor of the following page. */
  async clusterPage(
    datasetId: string,
    query: ClusterPageQuery,
  ): Promise<{ clusters: FigureClusterEntity[]; next?: string }> {
    const after = decodeCursor(query.after);
    const rows = await this.clusters.list({
      datasetId,
      sort: query.sort,
      order: query.order,
      limit: CLUSTERS_PER_PAGE + 1,
      ...(after ? { after } : {}),
    });
    const { page: clusters, continueAfter: last } = keysetPage(rows, CLUSTERS_PER_PAGE);
    return {
      clusters,
      ...(last ? { next: encodeCursor(clusterSortValue(last, query.sort), last.id) } : {}),
    };
  }

  async cluster(
    datasetId: string,
    clusterId: string,
    after?: string,
  ): Promise<{ cluster: FigureClusterEntity; images: ImageWithFaces[]; next?: string }> {
    const cluster = uuid.test(clusterId) ? await this.clusters.findById(datasetId, clusterId) : null;
    if (!cluster) throw new ResourceNotFoundError(`The figure cluster ${toFigureClusterId(clusterId)} does not exist.`);
    const files = await this.files.filesOfCluster(cluster.id, {
      limit: FILES_PER_PAGE + 1,
      ...(after ? { after } : {}),
    });
    const page = files.slice(0, FILES_PER_PAGE);
    return {
      cluster,
      images: await this.withFaces(page),
      ...(files.length > FILES_PER_PAGE ? { next: page[page.length - 1].uri } : {}),
    };
  }

  /** Faces no person was found for (independent) or not clustered yet (unavailable), with their images. */
  async unclustered(
    datasetId: string,
    after?: string,
  ): Promise<{ faces: Array<{ face: FigureEntity; file: FileEntity }>; next?: string }> {
    const rows = await this.files.figuresInStates(datasetId, ['independent', 'unavailable'], {
      limit: FACES_PER_PAGE + 1,
      ...(after && uuid.test(after) ? { after } : {}),
    });
    const page = rows.slice(0, FACES_PER_PAGE);
    const files = new Map((await this.files.findByIds([...new Set(page.map((f) => f.fileId))])).map((f) => [f.id, f]));
    const faces = page.flatMap((face) => {
      const file = files.get(face.fileId);
      return file ? [{ face, file }] : [];
    });
    return { faces, ...(rows.length > FACES_PER_PAGE ? { next: page[page.length - 1].id } : {}) };
  }

  /** The dataset's most recent strangers (face_events), newest first, with their thumbnail links. */
  async recentStrangers(datasetId: string): Promise<Array<DueFaceEvent & { thumbnail: string }>> {
    const rows = await this.faceEvents.recentStrangers(datasetId, FACES_PER_PAGE);
    return rows.map((r) => ({ ...r, thumbnail: thumbnailUrl('', r) }));
  }

  async failedFiles(datasetId: string, after?: string): Promise<{ files: FileEntity[]; next?: string }> {
    const rows = await this.files.listByStatus(datasetId, FileStatus.Failed, {
      limit: FILES_PER_PAGE * 4 + 1,
      ...(after ? { after } : {}),
    });
    const files = rows.slice(0, FILES_PER_PAGE * 4);
    return { files, ...(rows.length > files.length ? { next: files[files.length - 1].uri } : {}) };
  }

  recentTasks(datasetId: string, limit = 50): Promise<TaskEntity[]> {
    return this.tasks.listForDataset(datasetId, limit);
  }

  async thumbnail(figureId: string): Promise<Buffer> {
    const jpeg = uuid.test(figureId) ? await this.files.thumbnail(figureId) : null;
    if (!jpeg) throw new ResourceNotFoundError(`The figure ${figureId} has no thumbnail.`);
    return jpeg;
  }

  /** The original image, read from the object store. */
  async image(fileId: string): Promise<{ body: Buffer; contentType: string }> {
    const file = uuid.test(fileId) ? await this.files.findById(fileId) : null;
    // Only an indexed image, with the type its decoder found, never the type the object was stored with.
    const contentType = file?.status === 'indexed' && file.imageFormat ? imageTypes.get(file.imageFormat) : undefined;
    if (!file || !contentType) throw new ResourceNotFoundError(`The file ${fileId} is not an indexed image.`);
    const object = await this.storage.get(file.bucket, file.objectKey, MAX_IMAGE_BYTES);
    if (file.etag && object.etag !== file.etag) {
      throw new ResourceNotFoundError(`The object of file ${fileId} changed since it was indexed.`);
    }
    return { body: object.body, contentType };
  }

  private async withFaces(files: FileEntity[]): Promise<ImageWithFaces[]> {
    const figures = await this.files.figuresOfFiles(files.map((f) => f.id));
    return files.map((file) => ({ file, faces: figures.filter((g) => g.fileId === file.id) }));
  }
}

/** Decoded formats (ImageRepository) -> the content type they are served with. */
const imageTypes = new Map([
  ['jpeg', 'image/jpeg'],
  ['png', 'image/png'],
  ['webp', 'image/webp'],
  ['gif', 'image/gif'],
  ['tiff', 'image/tiff'],
  ['heif', 'image/heif'],
  ['avif', 'image/avif'],
]);

export function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { value: string | number; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      typeof parsed[1] === 'string' &&
      uuid.test(parsed[1])
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: a bad cursor restarts from the first page
  }
  return undefined;
}
