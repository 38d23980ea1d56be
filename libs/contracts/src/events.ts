/**
 * Domain events between the apps, carried by the @nestjs/microservices Redis transport (fire-and-forget pub/sub,
 * so an event may be lost): only latency hints. What must not be lost (webhooks) goes through the outbox,
 * written with the state change (OutboxRepository). Handlers must be idempotent: a replica may receive the same
 * event.
 */
export const DomainEvent = {
  IndexTaskFinished: 'facecluster.task.index.finished',
  ClusteringFinished: 'facecluster.clustering.finished',
} as const;
export type DomainEvent = (typeof DomainEvent)[keyof typeof DomainEvent];

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
  [DomainEvent.IndexTaskFinished]: TaskFinishedEvent;
  [DomainEvent.ClusteringFinished]: ClusteringFinishedEvent;
}
