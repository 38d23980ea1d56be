import { fairIndexPriorities, MAX_JOB_PRIORITY } from './index-fairness';

describe('fairIndexPriorities', () => {
  it('gives a batch the places after the files of its dataset already waiting', () => {
    expect(fairIndexPriorities(3, 3)).toEqual([1, 2, 3]);
    expect(fairIndexPriorities(1_942, 2)).toEqual([1_941, 1_942]);
  });

  it('puts a small dataset ahead of the rest of a large backlog of another dataset', () => {
    const large = fairIndexPriorities(2_000, 2_000);
    const small = fairIndexPriorities(50, 50);
    // After 60 files of the large import, its remaining jobs hold places 61..2000; the small one's are 1..50.
    expect(Math.max(...small)).toBeLessThan(Math.min(...large.slice(60)));
  });

  it('stays within BullMQ priorities (>= 1, <= 2,097,151) when the count was stale', () => {
    expect(fairIndexPriorities(0, 2)).toEqual([1, 2]);
    expect(fairIndexPriorities(MAX_JOB_PRIORITY + 5, 1)).toEqual([MAX_JOB_PRIORITY]);
  });
});
