import {
  RECOGNISABILITY_MODEL,
  faceQuality,
  hdFaceWidth,
  isHighDefinition,
  MAX_LANDMARK_WIDENING,
  sharpnessFromLaplacian,
  type QualityInputs,
} from './face-quality';

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

  it('is the fitted probability of verifying at FMR 1e-5 when the out-of-range factors are 1', () => {
    const m = RECOGNISABILITY_MODEL;
    const q = faceQuality({ ...good, embeddingNorm: 3.0, sharpness: 0.5, detectorScore: 1 });
    expect(q).toBeCloseTo(1 / (1 + Math.exp(-(m.intercept + m.norm * (3.0 - m.normCentre)))), 6);
    // The HD threshold 0.8 sits at an embedding norm of about 2.91 for a sharp face.
    expect(faceQuality({ ...good, embeddingNorm: 2.95, detectorScore: 1 })).toBeGreaterThan(0.8);
    expect(faceQuality({ ...good, embeddingNorm: 2.87, detectorScore: 1 })).toBeLessThan(0.8);
  });

  it('ignores sharpness within the range of ordinary photos and drops for blur', () => {
    // 0.19 is the knot (Laplacian variance 31.6): LFW's sharpness median is 0.55.
    expect(faceQuality({ ...good, sharpness: 0.2 })).toBeCloseTo(faceQuality(good), 6);
    expect(faceQuality({ ...good, sharpness: 0.05 })).toBeLessThan(faceQuality(good));
    // A face blurred with sigma 4 (median sharpness 0.04 on LFW) is not HD even with an ordinary norm.
    expect(faceQuality({ ...good, embeddingNorm: 3.4, sharpness: 0.04 })).toBeLessThan(0.5);
  });

  it('does not depend on the eyes (no measured effect beyond the embedding norm)', () => {
    expect(faceQuality({ ...good, eyesOpen: 0 })).toBe(faceQuality({ ...good, eyesOpen: 1 }));
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

describe('hdFaceWidth', () => {
  it('takes the landmark face width when the box is narrower', () => {
    expect(hdFaceWidth(72, 81)).toBe(81);
    expect(isHighDefinition(hdFaceWidth(72, 81), 120, { pitch: 0, roll: 0, yaw: 0 }, 0.9)).toBe(true);
  });

  it('never goes below the box', () => {
    expect(hdFaceWidth(90, 80)).toBe(90);
    expect(hdFaceWidth(90, NaN)).toBe(90);
  });

  it('widens the box by at most MAX_LANDMARK_WIDENING', () => {
    expect(hdFaceWidth(60, 200)).toBeCloseTo(60 * MAX_LANDMARK_WIDENING, 9);
    expect(hdFaceWidth(60, 200)).toBeLessThanOrEqual(75);
  });
});
