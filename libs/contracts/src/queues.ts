import { Job, JobsOptions, KeepJobs, Queue, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { ErrorCode } from './errors';

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
  /** Requests about one image answered by the indexer (detect, compare, search) and faces-searching tasks. */
  Faces: 'facecluster-faces',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  IndexFile: 'index-file',
  ScanBinding: 'scan-binding',
  ClusterDataset: 'cluster-dataset',
  DeliverNotification: 'deliver-notification',
  FaceQuery: 'face-query',
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
  /** One job per faces-searching task. */
  facesSearch: (taskId: string): string => `faces-search-${taskId}`,
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

const faceQueryUri = z.string().min(1).max(1100);
/**
 * A question about images that the indexer answers without indexing them (it holds the face models), one schema
 * per op. The gateway waits for detect / compare / search (`waitUntilFinished`); a faces-searching task records
 * its result on the task.
 */
export const detectFacesQuerySchema = z.object({
  name: z.literal(JobName.FaceQuery),
  op: z.literal('detect'),
  uri: faceQueryUri,
});
export const compareFacesQuerySchema = z.object({
  name: z.literal(JobName.FaceQuery),
  op: z.literal('compare'),
  uris: z.tuple([faceQueryUri, faceQueryUri]),
});
export const searchClustersQuerySchema = z.object({
  name: z.literal(JobName.FaceQuery),
  op: z.literal('search'),
  datasetId: z.uuid(),
  uri: faceQueryUri,
});
export const facesSearchingTaskSchema = z.object({
  name: z.literal(JobName.FaceQuery),
  op: z.literal('faces-search'),
  datasetId: z.uuid(),
  taskId: z.string().min(1).max(128),
  uris: z.array(faceQueryUri).min(1).max(100),
  maxResult: z.number().int().min(0).max(100),
});
export const faceQueryJobSchema = z.discriminatedUnion('op', [
  detectFacesQuerySchema,
  compareFacesQuerySchema,
  searchClustersQuerySchema,
  facesSearchingTaskSchema,
]);
export type FaceQueryJob = z.infer<typeof faceQueryJobSchema>;

/** Milliseconds spent per stage of a face query (reported in the gateway's Server-Timing header). */
export interface FaceQueryTimings {
  fetch: number;
  decode: number;
  inference: number;
  search: number;
}

export interface FaceBox {
  Left: number;
  Top: number;
  Width: number;
  Height: number;
}

/** A detected face as the gateway maps it to an IMM Figure (the stored figure's columns, without blobs). */
export interface DetectedFigure {
  left: number;
  top: number;
  width: number;
  height: number;
  figureConfidence: number;
  faceQuality: number;
  sharpness: number | null;
  age: number | null;
  ageSD: number | null;
  gender: string | null;
  genderConfidence: number | null;
  pitch: number | null;
  roll: number | null;
  yaw: number | null;
  emotion: string | null;
  emotionConfidence: number | null;
  mouth: string | null;
  mouthConfidence: number | null;
}

export type FaceQueryAnswer =
  | { op: 'detect'; faces: DetectedFigure[] }
  | { op: 'compare'; similarity: number | null; faceCounts: [number, number] }
  | { op: 'search'; clusters: Array<{ clusterId: string; similarity: number; boundary: FaceBox }> }
  | { op: 'faces-search' };

/**
 * What a face-query job returns: errors an IMM client must see travel as values, not as job failures. `kind` is
 * the error's row of ErrorCodeTable (it decides the HTTP status), `code` what the client sees.
 */
export type FaceQueryResult =
  | { ok: true; answer: FaceQueryAnswer; timings: FaceQueryTimings }
  | { ok: false; code: string; message: string; kind: ErrorCode };

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

/**
 * Retries of a job that failed for a transient reason (a dependency unreachable): 10 attempts with exponential
 * backoff from 1 s wait about 8.5 minutes in total, so an outage of minutes is ridden out. Failures retrying
 * cannot fix end the job at once (UnrecoverableError or a recorded failure). After the last attempt the
 * reconciler (PostgreSQL's view of the work) takes over.
 */
export const outageRetry = { attempts: 10, backoffMs: 1000 } as const;

/** Failed jobs stay in Redis a week (at most 1000 per queue) to be inspected. */
export const keepFailedJobs = { age: 7 * 86_400, count: 1000 } as const;

export type PayloadOf<C> = C extends QueueContract<infer S> ? z.infer<S> : never;

export const IndexQueue = {
  queue: QueueName.Index,
  jobName: JobName.IndexFile,
  schema: indexFileJobSchema,
  jobId: (job) => jobId.indexFile(job.fileId),
  attempts: outageRetry.attempts,
  backoffMs: outageRetry.backoffMs,
  removeOnComplete: true,
  // Kept to be inspected. A kept failed job's id would swallow the file's next index request, so
  // FileIndexingService.enqueue removes it first and only live states count as queued.
  removeOnFail: keepFailedJobs,
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
  attempts: outageRetry.attempts,
  backoffMs: outageRetry.backoffMs,
  removeOnComplete: true,
  removeOnFail: keepFailedJobs,
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

export const FacesQueue = {
  queue: QueueName.Faces,
  jobName: JobName.FaceQuery,
  schema: faceQueryJobSchema,
  // Faces-searching tasks are one job per task; a synchronous query is a new job each time.
  jobId: (job) => (job.op === 'faces-search' ? jobId.facesSearch(job.taskId) : undefined),
  // The defaults are the faces-searching task's: retried, like indexing, when a store or the database hiccups.
  attempts: 3,
  backoffMs: 2000,
  removeOnComplete: true,
  removeOnFail: { age: 86_400 },
} as const satisfies QueueContract<typeof faceQueryJobSchema>;

/**
 * Extra options of a synchronous face query (detect / compare / search), passed to {@link addJob}: the gateway
 * waits for it, so it is not retried (the client may retry) and its result is kept long enough to be read.
 */
export const faceQueryWaitOptions = {
  attempts: 1,
  removeOnComplete: { age: 60 },
  removeOnFail: { age: 600 },
} as const satisfies JobsOptions;

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

/**
 * Adds one job: payload checked against the contract's schema, its id and default options applied. Returns the
 * job (a caller that waits for its result uses it).
 */
export async function addJob<S extends z.ZodType<{ name: string }>>(
  queue: Queue,
  contract: QueueContract<S>,
  payload: z.infer<S>,
  extra: JobsOptions = {},
): Promise<Job> {
  const data = contract.schema.parse(payload);
  return queue.add(contract.jobName, data, jobOptions(contract, data, extra));
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

/** States of a job that will still run (or is running). */
export const LIVE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
