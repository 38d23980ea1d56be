import { cosineToSimilarity, MATCH_COSINE, similarityToCosine } from './face-similarity';

describe('cosineToSimilarity', () => {
  it('maps the anchors: <= 0 to 0, the join cosine to 0.5, 1 to 1', () => {
    expect(cosineToSimilarity(-0.3)).toBe(0);
    expect(cosineToSimilarity(0)).toBe(0);
    expect(cosineToSimilarity(MATCH_COSINE)).toBeCloseTo(0.5, 6);
    expect(cosineToSimilarity(1)).toBe(1);
    expect(cosineToSimilarity(1.0000001)).toBe(1);
    expect(cosineToSimilarity(Number.NaN)).toBe(0);
  });

  it('is monotone and inverted by similarityToCosine', () => {
    let previous = -1;
    for (let c = -0.2; c <= 1; c += 0.01) {
      const s = cosineToSimilarity(c);
      expect(s).toBeGreaterThanOrEqual(previous);
      previous = s;
      if (c > 0) expect(similarityToCosine(s)).toBeCloseTo(c, 4);
    }
  });
});
