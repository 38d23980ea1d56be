import { fairIndexPriority, MAX_JOB_PRIORITY } from './index-fairness';

describe('fairIndexPriority', () => {
  it('is the size of the dataset backlog: fewer files waiting, served sooner', () => {
    expect(fairIndexPriority(3)).toBe(3);
    // A 50-file dataset queued while another holds batches at 100, 200, ...: it goes first.
    expect(fairIndexPriority(50)).toBeLessThan(fairIndexPriority(100));
  });

  it('stays within BullMQ priorities (1 .. 2,097,151)', () => {
    expect(fairIndexPriority(0)).toBe(1);
    expect(fairIndexPriority(MAX_JOB_PRIORITY + 5)).toBe(MAX_JOB_PRIORITY);
  });
});
