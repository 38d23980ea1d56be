import { clusterRunDelay } from './cluster-schedule';

describe('clusterRunDelay', () => {
  const timing = { debounceMs: 10_000, maxWaitMs: 60_000 };

  it('is the debounce while the window is younger than max wait minus the debounce', () => {
    expect(clusterRunDelay(1_000, 1_000, timing)).toBe(10_000);
    expect(clusterRunDelay(1_000, 51_000, timing)).toBe(10_000);
  });

  it('shrinks so that the run starts no later than max wait after the window opened', () => {
    expect(clusterRunDelay(1_000, 55_000, timing)).toBe(6_000);
    expect(clusterRunDelay(1_000, 61_000, timing)).toBe(0);
    expect(clusterRunDelay(1_000, 90_000, timing)).toBe(0);
  });

  it('treats a max wait below the debounce as the debounce', () => {
    expect(clusterRunDelay(0, 5_000, { debounceMs: 10_000, maxWaitMs: 1_000 })).toBe(5_000);
  });

  it('has no maximum when the max wait is 0: the debounce alone', () => {
    expect(clusterRunDelay(0, 600_000, { debounceMs: 10_000, maxWaitMs: 0 })).toBe(10_000);
  });
});
