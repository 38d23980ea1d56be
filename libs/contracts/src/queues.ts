/**
 * Every queue, job and payload the apps exchange. Queue names are permanent: renaming one strands jobs in Redis.
 */
export const QueueName = {
  Index: 'facecluster-index',
  Scan: 'facecluster-scan',
  Cluster: 'facecluster-cluster',
  Notify: 'facecluster-notify',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  IndexFile: 'index-file',
  ScanBinding: 'scan-binding',
  ClusterDataset: 'cluster-dataset',
  DeliverNotification: 'deliver-notification',
} as const;

/** Index one file of a dataset: fetch, decode, detect, embed, write figures. */
export interface IndexFileJob {
  name: typeof JobName.IndexFile;
  fileId: string;
  datasetId: string;
  uri: string;
  /** The IndexFileMeta/BatchIndexFileMeta task this file belongs to, when there is one. */
  taskId?: string;
}

/** List a binding's prefix and index every object under it. */
export interface ScanBindingJob {
  name: typeof JobName.ScanBinding;
  bindingId: string;
  /** Continuation marker when a scan is split across jobs. */
  startAfter?: string;
}

/** Cluster a dataset's new faces (debounced after indexing, or requested through CreateFigureClusteringTask). */
export interface ClusterDatasetJob {
  name: typeof JobName.ClusterDataset;
  datasetId: string;
  trigger: 'debounce' | 'request' | 'files-deleted';
  /** Set when a task was already recorded (requested runs); debounced runs create their own task. */
  taskId?: string;
  /** Debounced runs: when the first trigger of this run's window happened (ms since the epoch), see scheduleClusterRun. */
  windowStartedAt?: number;
}

/** POST an IMM event envelope to a webhook. */
export interface DeliverNotificationJob {
  name: typeof JobName.DeliverNotification;
  endpoint: string;
  body: NotificationEnvelope;
}

export type JobPayload = IndexFileJob | ScanBindingJob | ClusterDatasetJob | DeliverNotificationJob;

export interface QueuePayloads {
  [QueueName.Index]: IndexFileJob;
  [QueueName.Scan]: ScanBindingJob;
  [QueueName.Cluster]: ClusterDatasetJob;
  [QueueName.Notify]: DeliverNotificationJob;
}

/** IMM's MNS/HTTP notification envelope. */
export interface NotificationEnvelope {
  id: string;
  source: 'acs:imm';
  specversion: '1.0';
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data?: unknown;
  content: Record<string, unknown>;
}

/**
 * Deterministic job ids, so that the same work enqueued twice is one job. BullMQ rejects custom ids with a ':'
 * unless they have exactly three ':'-separated parts (its legacy repeatable-job format), hence the '-' below.
 */
export const jobId = {
  /** Jobs are removed on completion, so the id only dedupes while a file is waiting or running. */
  indexFile: (fileId: string): string => `index-${fileId}`,
  scanBinding: (bindingId: string, startAfter = ''): string =>
    `scan:${bindingId}:${Buffer.from(startAfter).toString('base64url')}`,
  clusterDebounceKey: (datasetId: string): string => `cluster:${datasetId}`,
  clusterRequest: (taskId: string): string => `cluster-task-${taskId}`,
  /** One webhook delivery per finished task. */
  deliverNotification: (taskId: string): string => `notify-${taskId}`,
};

/**
 * BullMQ job options for a debounced ClusterDatasetJob (BullMQ "debounce mode": deduplication with ttl,
 * extend and replace plus a delay). Every add within `delayMs` of the previous one replaces the waiting
 * delayed job and restarts its delay, so one run happens `delayMs` after the LAST trigger of a dataset.
 * The indexer (after each indexed file) and the gateway (after deletes) must both use this helper so their
 * triggers collapse into the same job. No custom jobId: BullMQ generates one per replacement.
 */
export function debouncedClusterJobOptions(
  datasetId: string,
  delayMs: number,
): {
  delay: number;
  deduplication: { id: string; ttl: number; extend: true; replace: true };
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: true;
  removeOnFail: { count: number };
} {
  // BullMQ treats a ttl of 0 as "no ttl" (simple mode); keep at least 1 ms so the mode stays debounce.
  const ttl = Math.max(1, delayMs);
  return {
    delay: delayMs,
    deduplication: { id: jobId.clusterDebounceKey(datasetId), ttl, extend: true, replace: true },
    // A run that fails (database restart, crash) is retried: it rolls back completely, so a retry is safe.
    attempts: 3,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: true,
    removeOnFail: { count: 100 },
  };
}
