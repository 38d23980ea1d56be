/**
 * Domain events between the apps, carried by the @nestjs/microservices Redis transport (fire-and-forget pub/sub).
 * Handlers must be idempotent: a replica may receive the same event.
 */
export const DomainEvent = {
  FileIndexed: 'facecluster.file.indexed',
  FileFailed: 'facecluster.file.failed',
  IndexTaskFinished: 'facecluster.task.index.finished',
  ClusteringFinished: 'facecluster.clustering.finished',
  FacesSearchingFinished: 'facecluster.task.faces-searching.finished',
  /** Stranger / known-person events were committed: a gateway delivers them now instead of at its next poll. */
  FaceEventsRecorded: 'facecluster.face-events.recorded',
} as const;
export type DomainEvent = (typeof DomainEvent)[keyof typeof DomainEvent];

export interface FileIndexedEvent {
  datasetId: string;
  fileId: string;
  uri: string;
  figureCount: number;
}

export interface FileFailedEvent {
  datasetId: string;
  fileId: string;
  uri: string;
  code: string;
  message: string;
}

export interface TaskFinishedEvent {
  taskId: string;
  datasetId: string | null;
  status: 'Succeeded' | 'Failed';
}

export interface ClusteringFinishedEvent extends TaskFinishedEvent {
  newFaces: number;
  createdClusters: number;
  updatedClusters: number;
}

export interface DomainEventPayloads {
  [DomainEvent.FileIndexed]: FileIndexedEvent;
  [DomainEvent.FileFailed]: FileFailedEvent;
  [DomainEvent.IndexTaskFinished]: TaskFinishedEvent;
  [DomainEvent.ClusteringFinished]: ClusteringFinishedEvent;
  [DomainEvent.FacesSearchingFinished]: TaskFinishedEvent;
  [DomainEvent.FaceEventsRecorded]: { datasetId: string; count: number };
}
