import { binnedAngle, jawSpan, landmarks68To5, mouthState, softmax } from './face-attributes';

describe('softmax', () => {
  it('sums to 1 and is stable for large logits', () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[1]).toBeGreaterThan(p[0]);
  });
});

describe('binnedAngle', () => {
  it('decodes a peaked 66-bin distribution to bin * 3 - 99 degrees', () => {
    const logits = new Float32Array(66).fill(-50);
    logits[33] = 50;
    expect(binnedAngle(logits)).toBeCloseTo(0, 3);
    logits[33] = -50;
    logits[43] = 50;
    expect(binnedAngle(logits)).toBeCloseTo(30, 3);
  });
});

describe('68-point helpers', () => {
  const points = new Float32Array(136);
  const set = (i: number, x: number, y: number): void => {
    points[i * 2] = x;
    points[i * 2 + 1] = y;
  };
  for (const i of [37, 38, 40, 41]) set(i, 30, 40);
  for (const i of [43, 44, 46, 47]) set(i, 70, 40);
  set(30, 50, 60);
  set(48, 35, 80);
  set(60, 37, 80);
  set(54, 65, 80);
  set(64, 63, 80);
  set(62, 50, 79);
  set(66, 50, 81);

  it('reduces to eye centres, nose and mouth corners', () => {
    expect(landmarks68To5(points)).toEqual([
      [30, 40],
      [70, 40],
      [50, 60],
      [36, 80],
      [64, 80],
    ]);
  });

  it('measures the face width between the jaw ends (points 0 and 16), whatever the roll', () => {
    set(0, 10, 40);
    set(16, 90, 40);
    expect(jawSpan(points)).toBeCloseTo(80, 6);
    set(16, 10 + 48, 40 + 64);
    expect(jawSpan(points)).toBeCloseTo(80, 6);
  });

  it('calls a 2/30 lip gap closed and a 12/30 gap open', () => {
    expect(mouthState(points).mouth).toBe('close');
    set(62, 50, 74);
    set(66, 50, 86);
    const open = mouthState(points);
    expect(open.mouth).toBe('open');
    expect(open.mouthConfidence).toBeGreaterThan(0.9);
  });
});
