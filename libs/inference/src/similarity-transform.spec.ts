import { ARCFACE_REFERENCE_112, applyAffine, estimateSimilarity, type Point } from './similarity-transform';
import { invertAffine, type Affine } from './image-ops';

function transform(points: readonly Point[], scale: number, degrees: number, tx: number, ty: number): Point[] {
  const r = (degrees * Math.PI) / 180;
  const m: Affine = [scale * Math.cos(r), -scale * Math.sin(r), tx, scale * Math.sin(r), scale * Math.cos(r), ty];
  return points.map((p) => applyAffine(m, p));
}

describe('estimateSimilarity', () => {
  it('recovers an exact similarity transform with zero residual', () => {
    const src = transform(ARCFACE_REFERENCE_112, 2.5, 17, 300, -40);
    const fit = estimateSimilarity(src, ARCFACE_REFERENCE_112);
    expect(fit.scale).toBeCloseTo(1 / 2.5, 6);
    expect(fit.rotation).toBeCloseTo(-17, 4);
    expect(fit.rmsError).toBeLessThan(1e-6);
    src.forEach((p, i) => {
      const [x, y] = applyAffine(fit.transform, p);
      expect(x).toBeCloseTo(ARCFACE_REFERENCE_112[i][0], 5);
      expect(y).toBeCloseTo(ARCFACE_REFERENCE_112[i][1], 5);
    });
  });

  it('is the least-squares fit under noise (residual of the true transform is not smaller)', () => {
    const src = transform(ARCFACE_REFERENCE_112, 0.8, -5, 10, 20).map(([x, y], i): Point => [
      x + (i % 2 ? 1.5 : -1),
      y + (i % 3 ? -0.7 : 1.2),
    ]);
    const fit = estimateSimilarity(src, ARCFACE_REFERENCE_112);
    const truth = invertAffine([
      0.8 * Math.cos((-5 * Math.PI) / 180),
      -0.8 * Math.sin((-5 * Math.PI) / 180),
      10,
      0.8 * Math.sin((-5 * Math.PI) / 180),
      0.8 * Math.cos((-5 * Math.PI) / 180),
      20,
    ]);
    const rms = (m: Affine): number =>
      Math.sqrt(
        src.reduce((s, p, i) => {
          const [x, y] = applyAffine(m, p);
          return s + (x - ARCFACE_REFERENCE_112[i][0]) ** 2 + (y - ARCFACE_REFERENCE_112[i][1]) ** 2;
        }, 0) / src.length,
      );
    expect(fit.rmsError).toBeCloseTo(rms(fit.transform), 9);
    expect(fit.rmsError).toBeLessThanOrEqual(rms(truth) + 1e-9);
    expect(fit.rmsError).toBeGreaterThan(0);
  });

  it('never reflects: a mirrored face gives a large residual instead', () => {
    const mirrored = ARCFACE_REFERENCE_112.map(([x, y]): Point => [112 - x, y]);
    const fit = estimateSimilarity(mirrored, ARCFACE_REFERENCE_112);
    expect(fit.transform[0] * fit.transform[4] - fit.transform[1] * fit.transform[3]).toBeGreaterThan(0);
  });

  it('rejects degenerate input', () => {
    expect(() =>
      estimateSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow();
    expect(() => estimateSimilarity([[1, 1]], [[0, 0]])).toThrow();
  });
});

describe('invertAffine', () => {
  it('round-trips points', () => {
    const m: Affine = [1.2, -0.3, 5, 0.3, 1.2, -7];
    const p = applyAffine(invertAffine(m), applyAffine(m, [13, 29]));
    expect(p[0]).toBeCloseTo(13, 9);
    expect(p[1]).toBeCloseTo(29, 9);
  });
});
