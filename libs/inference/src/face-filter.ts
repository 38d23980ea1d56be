/**
 * False-positive filter applied after landmarks and embedding. fr_detect fires on cats, cells and text;
 * those boxes fail at least one of these checks (thresholds measured on LFW faces vs misc/noface, see
 * bench/detect-recall.ts).
 */
export interface CandidateEvidence {
  detectorScore: number;
  /** RMS error of the 5-point similarity fit to the ArcFace template, in 112-px template units. */
  alignmentError: number;
  /** Template scale / box size consistency: inter-ocular distance divided by box width. */
  eyeDistanceRatio: number;
  /** L2 norm of the raw (pre-normalisation) embedding; ArcFace-style models give small norms to non-faces. */
  embeddingNorm: number;
}

export interface FaceFilterThresholds {
  minDetectorScore: number;
  maxAlignmentError: number;
  minEyeDistanceRatio: number;
  maxEyeDistanceRatio: number;
  minEmbeddingNorm: number;
}

export const DEFAULT_FACE_FILTER: FaceFilterThresholds = {
  minDetectorScore: 0.8,
  maxAlignmentError: 14,
  minEyeDistanceRatio: 0.15,
  maxEyeDistanceRatio: 0.75,
  minEmbeddingNorm: 2.4,
};

/** Returns the first failed check, or undefined when the candidate looks like a face. */
export function rejectReason(e: CandidateEvidence, t: FaceFilterThresholds = DEFAULT_FACE_FILTER): string | undefined {
  if (e.detectorScore < t.minDetectorScore) return 'score';
  if (e.alignmentError > t.maxAlignmentError) return 'alignment';
  if (e.eyeDistanceRatio < t.minEyeDistanceRatio || e.eyeDistanceRatio > t.maxEyeDistanceRatio) return 'eyes';
  if (e.embeddingNorm < t.minEmbeddingNorm) return 'embedding';
  return undefined;
}
