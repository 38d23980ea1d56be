export { InferenceModule, createFacePipeline } from './inference.module';
export { FaceAnalyzer } from './face-analyzer';
export { FaceAnalyzerPool, fixedWorkerPool } from './face-analyzer.pool';
export {
  FacePipeline,
  type AnalysisWithDiagnostics,
  type FaceCandidate,
  type RawAttributes,
} from './face-pipeline.service';
export { ImageRejectedError, type ImageRejectedCode } from './image-rejected.error';
export { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image.repository';
export { defaultModelDir, faceApiModelDir, InferenceRepository, loadAgeGenderOnnx } from './inference.repository';
export { buildAgeGenderOnnx, decodeTfjsWeights, type TfjsWeightSpec } from './age-gender-onnx';
export {
  calibratedAge,
  calibratedMaleProbability,
  FACE_API_CALIBRATION,
  fitAgeCalibration,
  fitPlatt,
  type AgeCalibration,
  type AttributeCalibration,
  type GenderCalibration,
} from './attribute-calibration';
export { rewriteModelForCpu, type RewriteReport } from './model-rewrite';
export {
  ALL_FACE_ATTRIBUTES,
  INFERENCE_OPTIONS,
  resolveInferenceOptions,
  type AgeGenderModel,
  type FaceAttributeName,
  type InferenceOptions,
} from './inference.options';
export type { CandidateEvidence } from './face-filter';
export type { AnalyzeOptions, DetectedFace, FaceBoundary, HeadPose, ImageAnalysis, StageTimings } from './face.types';
export { EMOTIONS, type Emotion } from './face-attributes';
export type { Point } from './similarity-transform';
