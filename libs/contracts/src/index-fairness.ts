/** BullMQ's largest priority number (the least urgent); 0 would mean "no priority", served before all others. */
export const MAX_JOB_PRIORITY = 2_097_151;

/**
 * Fair indexing (docs/decisions/2026-12-03-fair-indexing.md): every index job gets the BullMQ priority of its
 * place in its own dataset's backlog when it is queued, so the queue serves the job with the fewest files of its
 * dataset ahead of it first. A 50-file dataset queued during a 2,000-file import of another dataset gets places
 * 1..50 while the import's remaining jobs hold places up to 2,000: the small one goes next instead of last;
 * within a dataset, files keep their order (growing places, FIFO among equals).
 *
 * `pending` is the dataset's count of files waiting or being indexed, the `count` files just recorded included
 * (FileRepository.countPending after upsertPending); returns the priority of each of those `count` jobs.
 */
export function fairIndexPriorities(pending: number, count: number): number[] {
  const first = Math.max(1, pending - count + 1);
  return Array.from({ length: count }, (_, i) => Math.min(MAX_JOB_PRIORITY, first + i));
}
