/** BullMQ's largest priority number (the least urgent); 0 would mean "no priority", served before all others. */
export const MAX_JOB_PRIORITY = 2_097_151;

/**
 * Fair indexing (docs/decisions/2026-12-03-fair-indexing.md): the index jobs of a batch get as BullMQ priority
 * the size of their dataset's backlog once the batch is recorded, so the queue serves datasets with few files
 * waiting first. A 50-file dataset queued during a 2,000-file import of another dataset gets priority 50 while
 * the import's jobs hold 100, 200, … 2,000 (one per batch of 100): the small one goes next instead of last.
 * Jobs of equal priority stay first in, first out.
 *
 * `pending` is the dataset's count of files waiting or being indexed, the batch included
 * (FileRepository.countPending after upsertPending).
 */
export function fairIndexPriority(pending: number): number {
  return Math.min(MAX_JOB_PRIORITY, Math.max(1, pending));
}
