import type { Affine } from './image-ops';

export type Point = readonly [number, number];

/** ArcFace / InsightFace 112x112 template: left eye, right eye, nose tip, left and right mouth corners. */
export const ARCFACE_REFERENCE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export interface SimilarityFit {
  /** Maps source points onto destination points. */
  transform: Affine;
  /** Uniform scale factor of the transform. */
  scale: number;
  /** Rotation in degrees. */
  rotation: number;
  /** Root-mean-square distance between mapped source points and destination points (destination units). */
  rmsError: number;
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) from `src` to
 * `dst`: Umeyama's estimator, which in 2-D has the closed form a = Σ x·y / Σ|x|², b = Σ x×y / Σ|x|² on
 * centred points, giving [[a, -b], [b, a]].
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): SimilarityFit {
  const n = src.length;
  if (n !== dst.length || n < 2) throw new Error('need at least two point pairs of equal count');
  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i][0];
    sy += src[i][1];
    dx += dst[i][0];
    dy += dst[i][1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let norm = 0;
  let dot = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i][0] - sx;
    const py = src[i][1] - sy;
    const qx = dst[i][0] - dx;
    const qy = dst[i][1] - dy;
    norm += px * px + py * py;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
  }
  if (norm < 1e-12) throw new Error('source points are degenerate');
  const a = dot / norm;
  const b = cross / norm;
  const transform: Affine = [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
  let err = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = applyAffine(transform, src[i]);
    err += (x - dst[i][0]) ** 2 + (y - dst[i][1]) ** 2;
  }
  return {
    transform,
    scale: Math.hypot(a, b),
    rotation: (Math.atan2(b, a) * 180) / Math.PI,
    rmsError: Math.sqrt(err / n),
  };
}

export function applyAffine(m: Affine, p: Point): [number, number] {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}
