import { faceQuality, isHighDefinition, sharpnessFromLaplacian, type QualityInputs } from './face-quality';

const good: QualityInputs = {
  embeddingNorm: 4.5,
  faceSize: 120,
  detectorScore: 0.99,
  sharpness: 0.95,
  yaw: 5,
  pitch: -3,
  eyesOpen: 1,
  alignmentError: 3,
};

describe('sharpnessFromLaplacian', () => {
  it('maps 0 to 0, grows monotonically and stays below 1', () => {
    expect(sharpnessFromLaplacian(0)).toBe(0);
    expect(sharpnessFromLaplacian(-5)).toBe(0);
    expect(sharpnessFromLaplacian(100)).toBeLessThan(sharpnessFromLaplacian(200));
    expect(sharpnessFromLaplacian(1e6)).toBeLessThanOrEqual(1);
  });
});

describe('faceQuality', () => {
  it('is high for a large, frontal, sharp, confident face', () => {
    expect(faceQuality(good)).toBeGreaterThan(0.9);
  });

  it.each<[string, Partial<QualityInputs>]>([
    ['small', { faceSize: 24 }],
    ['profile', { yaw: 70 }],
    ['looking down', { pitch: -60 }],
    ['hard to embed (low embedding norm)', { embeddingNorm: 2.8 }],
    ['doubtful detection', { detectorScore: 0.6 }],
    ['badly aligned', { alignmentError: 20 }],
  ])('drops below the HD threshold for a %s face', (_name, change) => {
    expect(faceQuality({ ...good, ...change })).toBeLessThan(0.8);
    expect(faceQuality({ ...good, ...change })).toBeLessThan(faceQuality(good) - 0.15);
  });

  it('maps the measured recognisability knee (a factor product of 0.5) to the HD threshold 0.8', () => {
    // Half the embedding-norm ramp (2.9 is its midpoint) with every other factor at 1.
    const knee = faceQuality({ ...good, embeddingNorm: 2.9, sharpness: 1, detectorScore: 1, eyesOpen: 1 });
    expect(knee).toBeCloseTo(0.8, 3);
  });

  it('drops a little for blur', () => {
    expect(faceQuality({ ...good, sharpness: 0.05 })).toBeLessThan(faceQuality(good));
  });

  it('stays within 0..1', () => {
    expect(faceQuality({ ...good, faceSize: 0 })).toBe(0);
    expect(faceQuality({ ...good, faceSize: 1e5 })).toBeLessThanOrEqual(1);
  });
});

describe('isHighDefinition', () => {
  const pose = { pitch: 0, roll: 0, yaw: 0 };

  it('follows the IMM rule', () => {
    expect(isHighDefinition(80, 80, pose, 0.85)).toBe(true);
    expect(isHighDefinition(75, 80, pose, 0.85)).toBe(false);
    expect(isHighDefinition(80, 80, pose, 0.8)).toBe(false);
    expect(isHighDefinition(80, 80, { ...pose, yaw: 30 }, 0.9)).toBe(false);
    expect(isHighDefinition(80, 80, { ...pose, roll: -31 }, 0.9)).toBe(false);
  });

  it('is false when the pose is unknown', () => {
    expect(isHighDefinition(200, 200, undefined, 0.99)).toBe(false);
  });
});
