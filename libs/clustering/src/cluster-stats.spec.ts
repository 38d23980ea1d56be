import { clusterAges, clusterGender, computeClusterStats } from './cluster-stats';

describe('clusterGender', () => {
  it('weighs each vote by its confidence: three unsure votes lose to two sure ones', () => {
    const members = [
      { imageId: 'a', gender: 'male' as const, genderConfidence: 0.55 },
      { imageId: 'b', gender: 'male' as const, genderConfidence: 0.6 },
      { imageId: 'c', gender: 'male' as const, genderConfidence: 0.6 },
      { imageId: 'd', gender: 'female' as const, genderConfidence: 0.95 },
      { imageId: 'e', gender: 'female' as const, genderConfidence: 0.9 },
    ];
    expect(clusterGender(members)).toBe('female');
    expect(clusterGender(members.slice(0, 3))).toBe('male');
    expect(clusterGender([{ imageId: 'x' }])).toBeUndefined();
  });
});

describe('clusterAges', () => {
  it('ignores a few wrong photos: the range is the 10th to 90th percentile of the HD faces', () => {
    // 20 HD faces of someone photographed between 30 and 39.5.
    const hd = Array.from({ length: 20 }, (_, i) => ({ imageId: `hd${i}`, age: 30 + i / 2, isHD: true }));
    const members = [
      ...hd,
      // Blurry side views the model gets badly wrong: not HD, so left out.
      { imageId: 'bad1', age: 80, isHD: false },
      { imageId: 'bad2', age: 5, isHD: false },
    ];
    const r = clusterAges(members);
    // Linear-interpolated quantiles of 30, 30.5, ..., 39.5: positions 1.9 and 17.1.
    expect(r.minAge).toBeCloseTo(30.95, 5);
    expect(r.maxAge).toBeCloseTo(38.55, 5);
    expect(r.averageAge).toBeCloseTo(34.75, 5);
    // One wrong HD face among twenty does not move the range.
    const withOutlier = clusterAges([...hd.slice(0, 19), { imageId: 'hd19', age: 85, isHD: true }]);
    expect(withOutlier.maxAge).toBeCloseTo(r.maxAge!, 5);
    expect(withOutlier.minAge).toBeCloseTo(r.minAge!, 5);
    // The plain maximum would have said 85.
  });

  it('uses every face when fewer than 5 are HD, and plain min/max below 5 ages', () => {
    expect(
      clusterAges([
        { imageId: 'a', age: 20 },
        { imageId: 'b', age: 40, isHD: true },
      ]),
    ).toEqual({
      averageAge: 30,
      minAge: 20,
      maxAge: 40,
    });
    expect(computeClusterStats([]).averageAge).toBeUndefined();
  });
});
