/**
 * Face quality and sharpness. Pure functions; the constants are calibrated on LFW (see bench/verify.ts and
 * the numbers in the inference README section of the lead's report).
 */

/** Laplacian variance at which sharpness reaches 1 - 1/e (calibrated on aligned 112x112 LFW crops). */
export const SHARPNESS_SCALE = 150;

/** Squashes the Laplacian variance of the aligned crop into 0..1 (0 = flat / blurred, -> 1 = crisp). */
export function sharpnessFromLaplacian(variance: number): number {
  return 1 - Math.exp(-Math.max(0, variance) / SHARPNESS_SCALE);
}

export interface QualityInputs {
  /** L2 norm of the raw embedding: the strongest single predictor of recognisability measured on LFW. */
  embeddingNorm: number;
  /** Detection box side in original pixels (geometric mean of width and height). */
  faceSize: number;
  /** Detector score 0..1. */
  detectorScore: number;
  /** Sharpness 0..1. */
  sharpness: number;
  /** Head pose in degrees; undefined when the pose model was not run. */
  yaw?: number;
  pitch?: number;
  /** Probability both eyes are open; undefined when not computed. */
  eyesOpen?: number;
  /** RMS error (in 112-px template units) of the 5-point similarity fit: large for profiles and non-faces. */
  alignmentError: number;
}

/** Soft ramp: 0 at or below `lo`, 1 at or above `hi`, smoothstep between. */
function ramp(x: number, lo: number, hi: number): number {
  const t = Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
  return t * t * (3 - 2 * t);
}

/**
 * faceQuality in 0..1, meant to predict how reliably the face can be recognised. A product of factors:
 * - embedding norm: ramp from 2.4 to 3.4. ArcFace-type models give smaller norms to hard faces; on the LFW dev
 *   pairs the Spearman correlation of min(norm) with the genuine similarity is 0.56, against 0.04 for
 *   sharpness, 0.04 for yaw and 0.16 for the detector score, and verification errors by min(norm) band are
 *   < 2.6: 7.7%, 2.6-2.9: 1.1%, 2.9-3.2: 0.95%, >= 3.2: 0.2% (LFW faces: 5th percentile 2.97, median 3.70);
 * - size: 0 at 16 px, 1 from 64 px (below ~40 px the 112-px embedding input is mostly interpolation);
 * - pose: 1 up to 20 degrees of yaw or pitch, falling to 0.2 at 70 degrees;
 * - sharpness: 0.8 + 0.2 x sharpness; detector score: 0.5 + 0.5 x ramp(score, 0.6, 0.95);
 * - alignment: 5-point template fit (rms 8 -> 1, 20+ -> 0.3); eyes: 0.85 + 0.15 x eyesOpen.
 * Measured with bench/verify.ts (LFW dev pairs, BGR): see the README in this folder.
 *
 * The product is then calibrated to IMM's scale, where FaceQuality > 0.8 is the HD threshold: pairs whose
 * lower product was 0.5-0.8 verified at 99.80% and >= 0.8 at 99.69%, while < 0.5 fell to 98.49%. So the
 * recognisability knee sits at a product of 0.5, and `product ** QUALITY_CALIBRATION_EXPONENT` maps it to 0.8
 * (monotone: rankings, and so cover choice, are unchanged). Without it only 72% of LFW faces, nearly all of
 * them recognisable, passed the HD rule, and a quarter of the people with 4+ photos never reached IMM's
 * 3 HD images.
 */
export function faceQuality(q: QualityInputs): number {
  const norm = ramp(q.embeddingNorm, 2.4, 3.4);
  const size = ramp(q.faceSize, 16, 64);
  const worstAngle = Math.max(Math.abs(q.yaw ?? 0), Math.abs(q.pitch ?? 0));
  const pose = 1 - 0.8 * ramp(worstAngle, 20, 70);
  const sharp = 0.8 + 0.2 * q.sharpness;
  const detector = 0.5 + 0.5 * ramp(q.detectorScore, 0.6, 0.95);
  const alignment = 1 - 0.7 * ramp(q.alignmentError, 8, 20);
  const eyes = q.eyesOpen === undefined ? 1 : 0.85 + 0.15 * q.eyesOpen;
  const product = Math.min(1, Math.max(0, norm * size * pose * sharp * detector * alignment * eyes));
  return product ** QUALITY_CALIBRATION_EXPONENT;
}

/** log(0.8) / log(0.5): maps the measured recognisability knee (product 0.5) to IMM's HD threshold 0.8. */
export const QUALITY_CALIBRATION_EXPONENT = Math.log(0.8) / Math.log(0.5);

/** IMM's HD rule: face larger than 75x75 px, |pitch|, |roll|, |yaw| all below 30 degrees, faceQuality > 0.8. */
export function isHighDefinition(
  width: number,
  height: number,
  pose: { pitch: number; roll: number; yaw: number } | undefined,
  quality: number,
): boolean {
  if (width <= 75 || height <= 75 || quality <= 0.8) return false;
  if (!pose) return false;
  return Math.abs(pose.pitch) < 30 && Math.abs(pose.roll) < 30 && Math.abs(pose.yaw) < 30;
}
