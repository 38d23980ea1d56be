import { accuracyAt, bestThreshold, lfwTenFold, rocAuc, tarAtFar, type ScoredPair } from './verification-metrics';

describe('verification metrics', () => {
  const separable: ScoredPair[] = Array.from({ length: 40 }, (_, i) => ({
    fold: i % 10,
    same: i % 2 === 0,
    score: i % 2 === 0 ? 0.6 + i / 1000 : 0.1 + i / 1000,
  }));

  it('is perfect on separable scores', () => {
    const r = lfwTenFold(separable);
    expect(r.accuracy).toBe(1);
    expect(r.std).toBe(0);
    expect(r.auc).toBe(1);
    expect(r.tarAtFar1e3).toBe(1);
  });

  it('picks a threshold between the classes', () => {
    const t = bestThreshold(separable);
    expect(t).toBeGreaterThan(0.14);
    expect(t).toBeLessThan(0.6);
    expect(accuracyAt(separable, t)).toBe(1);
  });

  it('computes AUC with ties as one half and TAR at a FAR', () => {
    const pairs: ScoredPair[] = [
      { fold: 0, same: true, score: 0.5 },
      { fold: 0, same: false, score: 0.5 },
    ];
    expect(rocAuc(pairs)).toBe(0.5);
    expect(tarAtFar(pairs, 0.001)).toBe(0);
  });
});
