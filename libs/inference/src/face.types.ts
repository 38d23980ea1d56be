import type { Emotion } from './face-attributes';
import type { FaceAttributeName } from './inference.options';
import type { Point } from './similarity-transform';

/** Integer pixel box in the auto-oriented image (IMM FaceBoundary). */
export interface FaceBoundary {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface HeadPose {
  pitch: number;
  roll: number;
  yaw: number;
}

/** One face, with IMM field semantics. Attributes are absent when not requested. */
export interface DetectedFace {
  boundary: FaceBoundary;
  /** Detector score 0..1. */
  figureConfidence: number;
  /** Left eye, right eye, nose tip, left mouth corner, right mouth corner, in original pixels. */
  landmarks5: Point[];
  /** 512-d, L2-normalised; cosine similarity = dot product. */
  embedding: Float32Array;
  age?: number;
  /**
   * Standard deviation (years) of the error of `age`, measured as a function of the predicted age: the true age is
   * inside age ± 2·ageSD for ~93% of faces (libs/inference/README.md, "Age and gender").
   */
  ageSD?: number;
  gender?: 'male' | 'female';
  /** Calibrated probability (0.5..1) that `gender` is right. */
  genderConfidence?: number;
  headPose?: HeadPose;
  emotion?: Emotion;
  emotionConfidence?: number;
  mouth: 'open' | 'close';
  mouthConfidence: number;
  /** Probability that both eyes are open. */
  eyesOpen?: number;
  /** 0..1 squashed variance of Laplacian of the aligned 112x112 face. */
  sharpness: number;
  /** 0..1, see faceQuality(). */
  faceQuality: number;
  /** IMM rule: > 75x75 px, |pitch|,|roll|,|yaw| < 30, faceQuality > 0.8 (false when pose was not computed). */
  isHD: boolean;
  /** 160x160 JPEG, square crop with margin; absent when thumbnails are disabled. */
  thumbnail?: Buffer;
}

export interface StageTimings {
  decode: number;
  detect: number;
  landmarks: number;
  embed: number;
  age: number;
  gender: number;
  pose: number;
  emotion: number;
  eyes: number;
  thumbnail: number;
  total: number;
}

export interface ImageAnalysis {
  /** Auto-oriented size. */
  width: number;
  height: number;
  format: string;
  faces: DetectedFace[];
  /** Milliseconds per stage for this image. */
  timings: StageTimings;
}

export interface AnalyzeOptions {
  /** Attributes to compute; defaults to the module's configured set. */
  attributes?: readonly FaceAttributeName[];
  /** Encode a thumbnail per face (default true). */
  thumbnails?: boolean;
  /** Override the configured minimum face size (original pixels). */
  minFaceSize?: number;
}
