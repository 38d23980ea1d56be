/** Per-face attributes used to pick a cluster's cover face (IMM FaceAttributes-like; all optional). */
export interface CoverCandidate {
  faceId: string;
  /** Detector/quality score in [0, 1] (IMM FaceQuality). */
  quality?: number;
  /** Sharpness in [0, 1]. */
  sharpness?: number;
  /** Head pose in degrees. */
  headPose?: { pitch: number; roll: number; yaw: number };
  /** Eyes-open probability in [0, 1] (or a boolean). */
  eyesOpen?: number | boolean;
  /** Face box size in pixels. */
  width?: number;
  height?: number;
  isHD?: boolean;
}

export interface CoverWeights {
  quality: number;
  sharpness: number;
  frontal: number;
  eyesOpen: number;
  size: number;
}

export const DEFAULT_COVER_WEIGHTS: Readonly<CoverWeights> = {
  quality: 0.3,
  sharpness: 0.2,
  frontal: 0.25,
  eyesOpen: 0.1,
  size: 0.15,
};

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Score in [0, 1]; a missing attribute scores a neutral 0.5. */
export function coverScore(face: CoverCandidate, weights: CoverWeights = DEFAULT_COVER_WEIGHTS): number {
  const quality = face.quality === undefined ? 0.5 : clamp01(face.quality);
  const sharpness = face.sharpness === undefined ? 0.5 : clamp01(face.sharpness);
  const frontal = face.headPose
    ? clamp01(
        1 -
          (Math.abs(face.headPose.yaw) / 60 + Math.abs(face.headPose.pitch) / 45 + Math.abs(face.headPose.roll) / 90) /
            2,
      )
    : 0.5;
  const eyes =
    face.eyesOpen === undefined
      ? 0.5
      : typeof face.eyesOpen === 'boolean'
        ? face.eyesOpen
          ? 1
          : 0
        : clamp01(face.eyesOpen);
  // 32 px faces score 0, 256 px and above score 1, logarithmic in between.
  const side = face.width !== undefined && face.height !== undefined ? Math.sqrt(face.width * face.height) : undefined;
  const size = side === undefined ? 0.5 : clamp01(Math.log2(Math.max(side, 1) / 32) / 3);
  const w = weights;
  const total = w.quality + w.sharpness + w.frontal + w.eyesOpen + w.size;
  const score =
    (w.quality * quality + w.sharpness * sharpness + w.frontal * frontal + w.eyesOpen * eyes + w.size * size) / total;
  return face.isHD === false ? score * 0.5 : score;
}

/** The best cover face (frontal, sharp, eyes open, large, high quality); ties go to the smaller face id. */
export function chooseCover<T extends CoverCandidate>(faces: readonly T[], weights?: CoverWeights): T | undefined {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const f of faces) {
    const s = coverScore(f, weights);
    if (s > bestScore || (s === bestScore && best !== undefined && f.faceId < best.faceId)) {
      best = f;
      bestScore = s;
    }
  }
  return best;
}
