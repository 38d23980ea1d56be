/** Attributes beyond detection and embedding; each costs one extra model run per face. */
export type FaceAttributeName = 'age' | 'gender' | 'pose' | 'emotion' | 'eyes';

export const ALL_FACE_ATTRIBUTES: readonly FaceAttributeName[] = ['age', 'gender', 'pose', 'emotion', 'eyes'];

/** Plain settings object; the app's config lib builds it from the environment. */
export interface InferenceOptions {
  /** onnxruntime intra-op threads per session (1 is fastest per core for these small models). */
  intraOpThreads: number;
  /** onnxruntime inter-op threads per session. */
  interOpThreads: number;
  /** Let onnxruntime worker threads spin while idle; only worth it with intraOpThreads > 1 on idle cores. */
  allowSpinning: boolean;
  /** Smallest face side (original pixels) the detector must find; smaller means more detection tiles. Default 40. */
  detectionMinFaceSize?: number;
  /** Detector score threshold (0..1) before the landmark/alignment checks. Default 0.8. */
  detectionScoreThreshold?: number;
  /** Attributes computed by default (per call overridable). Default: all. */
  attributes?: readonly FaceAttributeName[];
  /** Channel order fed to the embedding model. Default 'bgr' (measured better on LFW, see bench/verify.ts). */
  embeddingChannelOrder?: 'bgr' | 'rgb';
  /** Apply the exact CPU graph rewrites of model-rewrite.ts before loading (default true; false = models as shipped). */
  rewriteModels?: boolean;
  /**
   * Decode budget: an image whose header declares more than this many bytes of decoded pixels (width x height x
   * bytes per pixel) is refused before decoding. Default 300 MB (100 megapixels of 8-bit RGB).
   */
  maxDecodeBytes?: number;
  /** Longest one libvips decode may run before the image is refused (seconds). Default 20. */
  decodeTimeoutSeconds?: number;
  /** Folder with the fr_*.onnx files; default: the faceplugin-face-recognition-js package's model folder. */
  modelDir?: string;
  /**
   * Age and gender network: 'face-api' (default; face-api.js's AgeGenderNet rebuilt as ONNX, calibrated) or
   * 'ssr-net' (faceplugin's fr_age / fr_gender, kept for comparison: much less accurate, see libs/inference/README.md).
   */
  ageGenderModel?: AgeGenderModel;
}

export type AgeGenderModel = 'face-api' | 'ssr-net';

export type ResolvedInferenceOptions = Required<Omit<InferenceOptions, 'modelDir'>> & { modelDir?: string };

export const INFERENCE_OPTIONS = Symbol('INFERENCE_OPTIONS');

export function resolveInferenceOptions(options: InferenceOptions): ResolvedInferenceOptions {
  return {
    intraOpThreads: options.intraOpThreads,
    interOpThreads: options.interOpThreads,
    allowSpinning: options.allowSpinning,
    detectionMinFaceSize: options.detectionMinFaceSize ?? 40,
    detectionScoreThreshold: options.detectionScoreThreshold ?? 0.8,
    attributes: options.attributes ?? ALL_FACE_ATTRIBUTES,
    embeddingChannelOrder: options.embeddingChannelOrder ?? 'bgr',
    rewriteModels: options.rewriteModels ?? true,
    maxDecodeBytes: options.maxDecodeBytes ?? 300_000_000,
    decodeTimeoutSeconds: options.decodeTimeoutSeconds ?? 20,
    modelDir: options.modelDir,
    ageGenderModel: options.ageGenderModel ?? 'face-api',
  };
}
