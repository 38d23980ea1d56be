import { type FaceInput, gaussian, seededRandom } from '@app/clustering';

/** Synthetic face embeddings for tests and benchmarks (not used by the clustering library itself). */
export { gaussian, seededRandom } from '@app/clustering';

export function randomUnitVector(
  random: () => number,
  dim: number,
  out: Float32Array = new Float32Array(dim),
): Float32Array {
  let n = 0;
  for (let i = 0; i < dim; i++) {
    out[i] = gaussian(random);
    n += out[i] * out[i];
  }
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) out[i] /= n;
  return out;
}

export interface SyntheticFaceOptions {
  dim?: number;
  /** Mean of the identity loading a (same-person cosine ~ a_i * a_j; 0.825 gives ~0.68 like the real model). */
  meanLoading?: number;
  loadingStd?: number;
  hdShare?: number;
}

/**
 * Face embedding shaped like the real model's: x = a * identity + sqrt(1 - a^2) * noise, noise a fresh random
 * direction, so two faces of one person have cosine ~ a_i * a_j (~0.68) and of different people ~0.
 */
export function syntheticFace(
  random: () => number,
  identity: Float32Array,
  options: SyntheticFaceOptions = {},
  out?: Float32Array,
): Float32Array {
  const dim = identity.length;
  const mean = options.meanLoading ?? 0.825;
  const std = options.loadingStd ?? 0.06;
  const a = Math.min(0.97, Math.max(0.55, mean + std * gaussian(random)));
  const b = Math.sqrt(1 - a * a);
  const e = randomUnitVector(random, dim, out);
  for (let i = 0; i < dim; i++) e[i] = a * identity[i] + b * e[i];
  return e;
}

/** Identity sizes with a heavy tail: P(size = s) ~ s^-alpha, capped (alpha 2 gives ~60% singletons, mean ~4.5). */
export function identitySize(random: () => number, alpha = 2, max = 500): number {
  // Inverse-CDF of the continuous Pareto, floored: good enough for a benchmark's shape.
  const s = Math.floor(Math.pow(1 - random(), -1 / (alpha - 1)));
  return Math.min(max, Math.max(1, s));
}

export interface SyntheticPerson {
  personId: number;
  faces: FaceInput[];
}

/** People with the given face counts; one face per image (image id = face id) unless said otherwise. */
export function syntheticPeople(sizes: number[], seed: number, options: SyntheticFaceOptions = {}): SyntheticPerson[] {
  const random = seededRandom(seed);
  const dim = options.dim ?? 512;
  return sizes.map((size, personId) => {
    const identity = randomUnitVector(random, dim);
    const faces: FaceInput[] = [];
    for (let j = 0; j < size; j++) {
      const faceId = `p${personId}-f${j}`;
      faces.push({
        faceId,
        imageId: `img-${faceId}`,
        embedding: syntheticFace(random, identity, options),
        isHD: random() < (options.hdShare ?? 1),
        quality: 0.5 + 0.5 * random(),
      });
    }
    return { personId, faces };
  });
}
