import type { Queue } from 'bullmq';
import { addJob, ClusterDatasetJob, clusterDebounce, ClusterQueue, jobId, JobName } from './queues';

/** When a dataset's clustering runs after indexing: CLUSTER_DEBOUNCE_MS and CLUSTER_MAX_WAIT_MS. */
export interface ClusterRunTiming {
  debounceMs: number;
  /** 0: no maximum (the debounce alone). A value below the debounce counts as the debounce. */
  maxWaitMs: number;
}

/**
 * Delay of the dataset's pending run after a trigger at `now`: `debounceMs` after this (the latest) trigger, but
 * never later than `maxWaitMs` after the first trigger of the window (`windowStartedAt`), so that a stream of
 * indexed files is clustered at least every max-wait instead of only when the stream stops.
 */
export function clusterRunDelay(windowStartedAt: number, now: number, timing: ClusterRunTiming): number {
  if (timing.maxWaitMs === 0) return timing.debounceMs;
  const maxWait = Math.max(timing.maxWaitMs, timing.debounceMs);
  return Math.max(0, Math.min(timing.debounceMs, windowStartedAt + maxWait - now));
}

/**
 * (Re)schedules the dataset's debounced clustering run after a trigger (a file indexed or deleted). The pending
 * run is one BullMQ debounce-mode job per dataset (clusterDebounce); its payload carries the time of
 * the window's first trigger, which caps the delay (clusterRunDelay). Once the run has started, the next
 * trigger opens a new window. Two producers racing read the same window start: at worst the window restarts.
 */
export async function scheduleClusterRun(
  queue: Queue<ClusterDatasetJob>,
  job: Pick<ClusterDatasetJob, 'datasetId' | 'trigger'>,
  timing: ClusterRunTiming,
  now = Date.now(),
): Promise<void> {
  const pendingId = await queue.getDeduplicationJobId(jobId.clusterDebounceKey(job.datasetId));
  const pending = pendingId ? await queue.getJob(pendingId) : undefined;
  const windowStartedAt =
    pending && (await pending.isDelayed()) ? (pending.data.windowStartedAt ?? pending.timestamp) : now;
  await addJob(
    queue,
    ClusterQueue,
    { name: JobName.ClusterDataset, datasetId: job.datasetId, trigger: job.trigger, windowStartedAt },
    clusterDebounce(job.datasetId, clusterRunDelay(windowStartedAt, now, timing)),
  );
}
