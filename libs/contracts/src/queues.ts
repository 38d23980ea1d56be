import { JobsOptions, KeepJobs, Queue, UnrecoverableError } from 'bullmq';
import { z } from 'zod';

/**
 * Every queue the apps exchange jobs on, one contract each: payload schema (the type is inferred from it),
 * deterministic job id and default job options. Producers add jobs only with {@link addJob} / {@link addJobs};
 * consumers read them only with {@link parseJob}, which validates with the same schema (the queue is an input
 * boundary like HTTP). Queue names are permanent: renaming one strands jobs in Redis.
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
  /** One webhook delivery per event (a task's end is one event, with the task's EventId). */
  deliverNotification: (eventId: string): string => `notify-${eventId}`,
};

/** Index one file of a dataset: fetch, decode, detect, embed, write figures. */
export const indexFileJobSchema = z.object({
  name: z.literal(JobName.IndexFile),
  fileId: z.uuid(),
  datasetId: z.uuid(),
  uri: z.string().min(1).max(1100),
  /** The IndexFileMeta/BatchIndexFileMeta task this file belongs to, when there is one. */
  taskId: z.string().min(1).max(128).optional(),
});
export type IndexFileJob = z.infer<typeof indexFileJobSchema>;

/** List a binding's prefix and index every object under it. */
export const scanBindingJobSchema = z.object({
  name: z.literal(JobName.ScanBinding),
  bindingId: z.uuid(),
  /** Continuation marker when a scan is split across jobs. */
  startAfter: z.string().max(1024).optional(),
});
export type ScanBindingJob = z.infer<typeof scanBindingJobSchema>;

/** Cluster a dataset's new faces (debounced after indexing, or requested through CreateFigureClusteringTask). */
export const clusterDatasetJobSchema = z.object({
  name: z.literal(JobName.ClusterDataset),
  datasetId: z.uuid(),
  trigger: z.enum(['debounce', 'request', 'files-deleted']),
  /** Set when a task was already recorded (requested runs); debounced runs create their own task. */
  taskId: z.string().min(1).max(128).optional(),
  /** Debounced runs: when the first trigger of this run's window happened (ms since the epoch), see scheduleClusterRun. */
  windowStartedAt: z.number().int().nonnegative().optional(),
});
export type ClusterDatasetJob = z.infer<typeof clusterDatasetJobSchema>;

/** IMM's MNS/HTTP notification envelope. */
export const notificationEnvelopeSchema = z.object({
  id: z.string().min(1).max(128),
  source: z.literal('acs:imm'),
  specversion: z.literal('1.0'),
  type: z.string().min(1).max(256),
  subject: z.string().max(2048),
  time: z.string(),
  datacontenttype: z.literal('application/json'),
  data: z.unknown().optional(),
  content: z.record(z.string(), z.unknown()),
});
export type NotificationEnvelope = z.infer<typeof notificationEnvelopeSchema>;

/** POST an IMM event envelope to a webhook. */
export const deliverNotificationJobSchema = z.object({
  name: z.literal(JobName.DeliverNotification),
  /** The event delivered; also the envelope's `id`, so a receiver can drop a repeated delivery. */
  eventId: z.string().min(1).max(128),
  endpoint: z.string().min(1).max(2048),
  body: notificationEnvelopeSchema,
});
export type DeliverNotificationJob = z.infer<typeof deliverNotificationJobSchema>;

/** The contract of one queue. Retry budget and retention are named fields, so they change in one place. */
export interface QueueContract<S extends z.ZodType<{ name: string }>> {
  readonly queue: QueueName;
  readonly jobName: z.infer<S>['name'];
  readonly schema: S;
  /** Deterministic id of a payload's job; undefined lets BullMQ pick one. */
  readonly jobId: (payload: z.infer<S>) => string | undefined;
  /** Attempts before a job fails for good (1 = no retry). */
  readonly attempts: number;
  /** Delay before the first retry; it doubles with each further attempt. */
  readonly backoffMs: number;
  /** Completed jobs kept in Redis (true = removed at once). While a job is kept, its id blocks the same job. */
  readonly removeOnComplete: boolean | KeepJobs;
  /** Failed jobs kept in Redis for inspection (true = removed at once); a kept job's id blocks a new one. */
  readonly removeOnFail: boolean | KeepJobs;
}

export type PayloadOf<C> = C extends QueueContract<infer S> ? z.infer<S> : never;

export const IndexQueue = {
  queue: QueueName.Index,
  jobName: JobName.IndexFile,
  schema: indexFileJobSchema,
  jobId: (job) => jobId.indexFile(job.fileId),
  attempts: 5,
  backoffMs: 2000,
  removeOnComplete: true,
  // Removed at once: a failed job kept under its id would swallow the file's next index request (and
  // FileIndexingService.filesWithQueuedJobs would count it as queued). Failures are recorded on the file.
  removeOnFail: true,
} as const satisfies QueueContract<typeof indexFileJobSchema>;

export const ScanQueue = {
  queue: QueueName.Scan,
  jobName: JobName.ScanBinding,
  schema: scanBindingJobSchema,
  jobId: (job) => jobId.scanBinding(job.bindingId, job.startAfter),
  attempts: 5,
  backoffMs: 2000,
  removeOnComplete: true,
  removeOnFail: { count: 100 },
} as const satisfies QueueContract<typeof scanBindingJobSchema>;

export const ClusterQueue = {
  queue: QueueName.Cluster,
  jobName: JobName.ClusterDataset,
  schema: clusterDatasetJobSchema,
  // Requested runs are one job per task; debounced runs get BullMQ's ids (see clusterDebounce).
  jobId: (job) => (job.trigger === 'request' && job.taskId ? jobId.clusterRequest(job.taskId) : undefined),
  // A run that fails (database restart, crash) is retried: it rolls back completely, so a retry is safe.
  attempts: 3,
  backoffMs: 5000,
  removeOnComplete: true,
  removeOnFail: { count: 100 },
} as const satisfies QueueContract<typeof clusterDatasetJobSchema>;

export const NotifyQueue = {
  queue: QueueName.Notify,
  jobName: JobName.DeliverNotification,
  schema: deliverNotificationJobSchema,
  jobId: (job) => jobId.deliverNotification(job.eventId),
  attempts: 6,
  backoffMs: 1000,
  // Kept a day so that a repeated request cannot deliver twice.
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
} as const satisfies QueueContract<typeof deliverNotificationJobSchema>;

/** The BullMQ options of a payload's job under its contract; `extra` adds to them (delay, deduplication). */
export function jobOptions<S extends z.ZodType<{ name: string }>>(
  contract: QueueContract<S>,
  payload: z.infer<S>,
  extra: JobsOptions = {},
): JobsOptions {
  const id = contract.jobId(payload);
  return {
    attempts: contract.attempts,
    backoff: { type: 'exponential', delay: contract.backoffMs },
    removeOnComplete: contract.removeOnComplete,
    removeOnFail: contract.removeOnFail,
    ...(id !== undefined ? { jobId: id } : {}),
    ...extra,
  };
}

/** Adds one job: payload checked against the contract's schema, its id and default options applied. */
export async function addJob<S extends z.ZodType<{ name: string }>>(
  queue: Queue,
  contract: QueueContract<S>,
  payload: z.infer<S>,
  extra: JobsOptions = {},
): Promise<void> {
  const data = contract.schema.parse(payload);
  await queue.add(contract.jobName, data, jobOptions(contract, data, extra));
}

/**
 * Adds jobs in one round trip, each as {@link addJob} would. `extra` adds to every job's options, or per job when
 * it is a function of the payload (fair indexing: each job's priority depends on its dataset).
 */
export async function addJobs<S extends z.ZodType<{ name: string }>>(
  queue: Queue,
  contract: QueueContract<S>,
  payloads: ReadonlyArray<z.infer<S>>,
  extra: JobsOptions | ((payload: z.infer<S>) => JobsOptions) = {},
): Promise<void> {
  if (payloads.length === 0) return;
  const data = payloads.map((payload) => contract.schema.parse(payload));
  const extraOf = typeof extra === 'function' ? extra : (): JobsOptions => extra;
  await queue.addBulk(
    data.map((d) => ({ name: contract.jobName, data: d, opts: jobOptions(contract, d, extraOf(d)) })),
  );
}

/**
 * A consumer's view of a job's payload: validated with the contract's schema. A payload that does not fit can
 * never succeed, so it fails the job without retry.
 */
export function parseJob<S extends z.ZodType<{ name: string }>>(contract: QueueContract<S>, data: unknown): z.infer<S> {
  const parsed = contract.schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`Invalid ${contract.queue} payload: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * The options that make a ClusterDatasetJob debounced (BullMQ "debounce mode": deduplication with ttl, extend
 * and replace plus a delay). Every add within `delayMs` of the previous one replaces the waiting delayed job and
 * restarts its delay, so one run happens `delayMs` after the LAST trigger of a dataset. The indexer (after each
 * indexed file) and the gateway (after deletes) both pass these to {@link addJob} so their triggers collapse
 * into the same job.
 */
export function clusterDebounce(
  datasetId: string,
  delayMs: number,
): { delay: number; deduplication: { id: string; ttl: number; extend: true; replace: true } } {
  // BullMQ treats a ttl of 0 as "no ttl" (simple mode); keep at least 1 ms so the mode stays debounce.
  const ttl = Math.max(1, delayMs);
  return {
    delay: delayMs,
    deduplication: { id: jobId.clusterDebounceKey(datasetId), ttl, extend: true, replace: true },
  };
}
