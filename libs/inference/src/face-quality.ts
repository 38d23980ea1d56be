/**
 * Face quality and sharpness. Pure functions; the constants are calibrated on LFW dev (see
 * libs/inference/README.md, "FaceQuality calibration").
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
  /** Sharpness 0..1 (sharpnessFromLaplacian of the aligned 112x112 crop). */
  sharpness: number;
  /** Head pose in degrees; undefined when the pose model was not run. */
  yaw?: number;
  pitch?: number;
  /**
   * Probability both eyes are open; undefined when not computed. Not part of the score: on LFW it added nothing
   * to the embedding norm (and the eye model calls 9% of LFW faces closed-eyed); the cover choice weighs it.
   */
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
 * Logistic model of recognisability, fitted on LFW dev with the project's model (libs/inference/README.md,
 * "FaceQuality calibration"): the probability that this face and another photo of the same person score above
 * the FMR 1e-5 threshold (cosine 0.477 on the 19M impostor pairs of LFW dev), the operating point at which a
 * clusterer compares a face with thousands of others.
 * - `intercept` and `norm` (per unit of embedding norm above 3.4, clipped to 2.0..4.5): maximum-likelihood fit on
 *   the 4,142 faces of LFW dev people with >= 2 photos (binomial: successes among each face's same-person pairs);
 * - `blur` (per decade of Laplacian variance below 10^1.5 = 31.6, i.e. sharpness < 0.19): fitted with the norm
 *   term held fixed on 160 of those faces blurred (sigma 1.5-8), downscaled and JPEG-compressed, because LFW
 *   itself has almost no blurred faces (1.4% below the knot), so sharpness predicts nothing within it.
 */
export const RECOGNISABILITY_MODEL = { intercept: 2.779, norm: 2.849, normCentre: 3.4, blur: 4.232, blurKnot: 1.5 };

/**
 * faceQuality in 0..1: the predicted probability that the face is recognised at FMR 1e-5 (see
 * RECOGNISABILITY_MODEL), so IMM's HD threshold FaceQuality > 0.8 reads "verifies at least 4 times in 5".
 * Measured on LFW dev, faces of held-out identity halves: it finds the faces that verify less than 80% of the
 * time with AUC 0.79-0.81 (the previous hand-weighted product of factors: 0.67-0.68), and is calibrated there
 * (faces scored 0.7-0.8 verify 77%, 0.8-0.9 86%, 0.9-0.95 92%, above 97.5%).
 * Factors outside what LFW can calibrate multiply it, so tiny, off-pose and doubtful faces still score low:
 * - size: 0 at 16 px, 1 from 40 px (LFW faces shrunk to 31 px verified 66%, to 40 px 88%);
 * - pose: 1 up to 30 degrees of yaw or pitch (IMM's HD limit; on LFW recognisability did not fall up to 45),
 *   0.2 at 90;
 * - detector score: 0.5 + 0.5 x ramp(score, 0.6, 0.95); alignment: 5-point template fit (rms 8 -> 1, 20+ -> 0.3).
 * Known blind spot: heavy JPEG blocking (quality 4) raises the Laplacian and keeps the norm, so 47% of such faces
 * still pass 0.8 while verifying 37%.
 */
export function faceQuality(q: QualityInputs): number {
  const m = RECOGNISABILITY_MODEL;
  const norm = Math.min(4.5, Math.max(2, q.embeddingNorm)) - m.normCentre;
  const variance = -SHARPNESS_SCALE * Math.log(1 - Math.min(q.sharpness, 1 - 1e-9));
  const blur = Math.min(0, Math.log10(Math.max(1, variance)) - m.blurKnot);
  const recognisable = 1 / (1 + Math.exp(-(m.intercept + m.norm * norm + m.blur * blur)));
  const size = ramp(q.faceSize, 16, 40);
  const worstAngle = Math.max(Math.abs(q.yaw ?? 0), Math.abs(q.pitch ?? 0));
  const pose = 1 - 0.8 * ramp(worstAngle, 30, 90);
  const detector = 0.5 + 0.5 * ramp(q.detectorScore, 0.6, 0.95);
  const alignment = 1 - 0.7 * ramp(q.alignmentError, 8, 20);
  return Math.min(1, Math.max(0, recognisable * size * pose * detector * alignment));
}

/**
 * The most the landmark face width may widen the box for the HD size test (99.9th percentile of jaw span / box
 * width on LFW dev is 1.25): a landmark error cannot turn a small face into an HD one.
 */
export const MAX_LANDMARK_WIDENING = 1.25;

/**
 * Face width for IMM's "larger than 75x75 px": the larger of the detection box's width and the landmark face width
 * (`jawSpan`, capped at MAX_LANDMARK_WIDENING x the box). fr_detect's boxes are narrower than the face they hold
 * (LFW dev: median 0.946x the jaw span; tall boxes, height/width > 1.6, 0.90x), so the box alone fails faces that
 * are 80 px wide. The reported Boundary stays the detector's box; this only feeds the HD test.
 */
export function hdFaceWidth(boxWidth: number, landmarkWidth: number): number {
  const measured = Number.isFinite(landmarkWidth) ? Math.min(landmarkWidth, MAX_LANDMARK_WIDENING * boxWidth) : 0;
  return Math.max(boxWidth, measured);
}

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
