import { evaluateClustering } from './clustering-metrics';

describe('evaluateClustering', () => {
  it('scores a perfect clustering 1 and counts independents as their own clusters', () => {
    const m = evaluateClustering(
      ['a', 'a', 'b', 'b', null],
      ['x', 'x', 'y', 'y', 'z'],
      [true, true, true, true, false],
    );
    expect(m).toMatchObject({ pairP: 1, pairR: 1, bcubedP: 1, bcubedR: 1, clusters: 2, identities: 2, unclustered: 0 });
  });

  it('penalises merged identities in precision and split ones in recall', () => {
    const merged = evaluateClustering(['a', 'a', 'a', 'a'], ['x', 'x', 'y', 'y'], [true, true, true, true]);
    expect(merged.pairP).toBeCloseTo(2 / 6);
    expect(merged.bcubedP).toBeCloseTo(0.5);
    expect(merged.bcubedR).toBe(1);
    const split = evaluateClustering(['a', null, 'b', 'b'], ['x', 'x', 'y', 'y'], [true, true, true, true]);
    expect(split.pairR).toBeCloseTo(0.5);
    expect(split.bcubedR).toBeCloseTo(0.75);
    expect(split.unclustered).toBeCloseTo(0.25);
  });
});
