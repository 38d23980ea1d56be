import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import {
  decodeTileDetections,
  DETECTOR_HEIGHT,
  DETECTOR_RELIABLE_FACE_PX,
  DETECTOR_WIDTH,
  planDetection,
} from './detection-plan';
import { calibratedAge, calibratedMaleProbability, FACE_API_CALIBRATION } from './attribute-calibration';
import {
  AGE_ERROR_FLOOR,
  ageGenderBox,
  binnedAngle,
  EMOTIONS,
  eyeBoxes,
  jawSpan,
  landmarks68To5,
  mouthState,
  softmax,
  ssrNetRegression,
  ssrNetStage1Spread,
  type SsrNetOutputs,
} from './face-attributes';
import { rejectReason, DEFAULT_FACE_FILTER, type CandidateEvidence } from './face-filter';
import { faceQuality, hdFaceWidth, isHighDefinition, sharpnessFromLaplacian } from './face-quality';
import { FaceAnalyzer } from './face-analyzer';
import type { AnalyzeOptions, DetectedFace, ImageAnalysis, StageTimings } from './face.types';
import {
  cropResize,
  cropToTensor,
  extractWindow,
  invertAffine,
  laplacianVariance,
  letterboxToTensor,
  NORM_AGE_GENDER,
  NORM_127_128_BGR,
  NORM_127_128_RGB,
  NORM_IMAGENET_BGR,
  NORM_IMAGENET_RGB,
  NORM_UNIT_RGB,
  toGrey,
  toTensor,
  warpAffine,
  type RawRgb,
  type Rect,
} from './image-ops';
import { ImageRepository, type ImageInfo } from './image.repository';
import { INFERENCE_OPTIONS, type FaceAttributeName, type ResolvedInferenceOptions } from './inference.options';
import { InferenceRepository } from './inference.repository';
import { AGE_GENDER_INPUT_SIZE } from './age-gender-onnx';
import { nms, type ScoredBox } from './nms';
import { ARCFACE_REFERENCE_112, estimateSimilarity, type Point } from './similarity-transform';

const NMS_IOU = 0.4;
const NMS_CONTAIN = 0.8;
const THUMBNAIL_SIZE = 160;
const THUMBNAIL_MARGIN = 1.6;

/** A full-resolution window of the oriented image, `left`/`top` being its offset in the original. */
interface Source {
  image: RawRgb;
  left: number;
  top: number;
}

/** A face candidate after landmarks and embedding, with the evidence used to accept or reject it. */
export interface FaceCandidate {
  box: ScoredBox;
  landmarks68: Float32Array;
  landmarks5: Point[];
  evidence: CandidateEvidence;
  embedding: Float32Array;
  aligned: RawRgb;
  rejected?: string;
}

/** The age/gender network's outputs before calibration (face-api model only). */
export interface RawAttributes {
  age?: number;
  /** log(P(male) / P(female)) of the network, before calibration. */
  maleLogit?: number;
}

/** Diagnostics for benchmarks: the analysis plus rejected candidates and their reasons. */
export interface AnalysisWithDiagnostics extends ImageAnalysis {
  rejected: { boundary: Rect; reason: string; evidence: CandidateEvidence }[];
  /** Evidence for each accepted face, parallel to `faces`. */
  evidence: CandidateEvidence[];
  /** Uncalibrated age/gender outputs, parallel to `faces`. */
  rawAttributes: RawAttributes[];
}

function emptyTimings(): StageTimings {
  return {
    decode: 0,
    detect: 0,
    landmarks: 0,
    embed: 0,
    age: 0,
    gender: 0,
    pose: 0,
    emotion: 0,
    eyes: 0,
    thumbnail: 0,
    total: 0,
  };
}

/**
 * The face pipeline: decode -> multi-scale tiled detection -> 68 landmarks -> 5-point similarity alignment
 * -> 512-d embedding -> false-positive filter -> optional attributes, quality and thumbnail.
 */
@Injectable()
export class FacePipeline extends FaceAnalyzer {
  constructor(
    private readonly images: ImageRepository,
    private readonly inference: InferenceRepository,
    @Inject(INFERENCE_OPTIONS) private readonly options: ResolvedInferenceOptions,
  ) {
    super();
  }

  /** Loads the core models and the configured attributes' (Nest does this at module init). */
  loadModels(): Promise<void> {
    return this.inference.loadConfigured();
  }

  async analyze(buffer: Buffer, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const {
      rejected: _rejected,
      evidence: _evidence,
      rawAttributes: _raw,
      ...analysis
    } = await this.analyzeWithDiagnostics(buffer, options);
    return analysis;
  }

  async analyzeWithDiagnostics(buffer: Buffer, options: AnalyzeOptions = {}): Promise<AnalysisWithDiagnostics> {
    const timings = emptyTimings();
    const started = performance.now();
    let t = started;
    const lap = (stage: keyof StageTimings): void => {
      const now = performance.now();
      timings[stage] += now - t;
      t = now;
    };

    const info = await this.images.inspect(buffer);
    const minFace = options.minFaceSize ?? this.options.detectionMinFaceSize;
    // Decode at the resolution of the finest detection level (JPEG shrink-on-load makes that cheap); when that
    // is above half size, decode at full size instead: faces are then cropped from the same pixels, one decode.
    const finest = Math.max(
      DETECTOR_RELIABLE_FACE_PX / Math.max(1, minFace),
      Math.min(DETECTOR_WIDTH / info.width, DETECTOR_HEIGHT / info.height),
    );
    const decodeScale = finest > 0.5 ? 1 : finest;
    const dw = Math.max(1, Math.round(info.width * decodeScale));
    const dh = Math.max(1, Math.round(info.height * decodeScale));
    const detectionImage = await this.images.decode(buffer, info, dw, dh);
    lap('decode');

    const boxes = await this.detect(detectionImage, minFace * (dw / info.width), info.width / dw, info.height / dh);
    lap('detect');

    const attributes = new Set<FaceAttributeName>(options.attributes ?? this.options.attributes);
    const result: AnalysisWithDiagnostics = {
      width: info.width,
      height: info.height,
      format: info.format,
      faces: [],
      timings,
      rejected: [],
      evidence: [],
      rawAttributes: [],
    };
    if (boxes.length === 0) {
      timings.total = performance.now() - started;
      return result;
    }

    const source = await this.fullResolutionSource(buffer, info, detectionImage, boxes);
    lap('decode');

    for (const box of boxes) {
      const candidate = await this.candidate(source, box, lap);
      const boundary = toBoundary(box, info);
      if (candidate.rejected) {
        result.rejected.push({ boundary, reason: candidate.rejected, evidence: candidate.evidence });
        continue;
      }
      result.evidence.push(candidate.evidence);
      const raw: RawAttributes = {};
      result.rawAttributes.push(raw);
      result.faces.push(
        await this.describe(source, candidate, boundary, attributes, options.thumbnails ?? true, lap, raw),
      );
    }
    timings.total = performance.now() - started;
    return result;
  }

  /**
   * Landmarks, alignment and embedding for a face whose box is already known (original pixels), without
   * detection or the false-positive filter. For re-embedding stored faces and for benchmarks' fallbacks.
   */
  async embedRegion(
    buffer: Buffer,
    boundary: Rect,
  ): Promise<{ embedding: Float32Array; landmarks5: Point[]; evidence: CandidateEvidence }> {
    const info = await this.images.inspect(buffer);
    const box: ScoredBox = {
      x1: boundary.left,
      y1: boundary.top,
      x2: boundary.left + boundary.width,
      y2: boundary.top + boundary.height,
      score: 1,
    };
    const source = await this.fullResolutionSource(buffer, info, { data: new Uint8Array(0), width: 0, height: 0 }, [
      box,
    ]);
    const c = await this.candidate(source, box, () => undefined);
    return { embedding: c.embedding, landmarks5: c.landmarks5, evidence: c.evidence };
  }

  /**
   * Age and gender of faces whose boxes are already known (original pixels, e.g. stored faces), without detection
   * or embedding: landmarks from the box, then the age/gender network. For recomputing stored attributes after
   * the model or its calibration changed.
   */
  async recomputeAgeGender(
    buffer: Buffer,
    boundaries: readonly Rect[],
  ): Promise<Array<Pick<DetectedFace, 'age' | 'ageSD' | 'gender' | 'genderConfidence'>>> {
    if (boundaries.length === 0) return [];
    const info = await this.images.inspect(buffer);
    const boxes: ScoredBox[] = boundaries.map((b) => ({
      x1: b.left,
      y1: b.top,
      x2: b.left + b.width,
      y2: b.top + b.height,
      score: 1,
    }));
    const source = await this.fullResolutionSource(
      buffer,
      info,
      { data: new Uint8Array(0), width: 0, height: 0 },
      boxes,
    );
    const attributes = new Set<FaceAttributeName>(['age', 'gender']);
    const out: Array<Pick<DetectedFace, 'age' | 'ageSD' | 'gender' | 'genderConfidence'>> = [];
    for (const box of boxes) out.push(await this.ageGender(source, await this.landmarks(source, box), attributes));
    return out;
  }

  /** Multi-scale tiled detection; returns NMS-merged boxes in original pixels. */
  private async detect(image: RawRgb, minFace: number, toOriginalX: number, toOriginalY: number): Promise<ScoredBox[]> {
    // A lower pre-filter threshold than the final one: NMS should see the weak duplicates too.
    const threshold = Math.min(0.6, this.options.detectionScoreThreshold);
    const all: ScoredBox[] = [];
    for (const level of planDetection(image.width, image.height, minFace)) {
      // Levels at >= 0.8 of the detection image's size are sampled straight into the tile tensor (bilinear);
      // libvips' resize costs ~3 ms even for a 250 px image. Smaller levels go through libvips, whose
      // shrink-then-reduce is the right tool for large factors on large photos.
      const direct = level.scale >= 0.8;
      const levelImage = direct ? image : await this.images.resize(image, level.width, level.height);
      for (const tile of level.tiles) {
        const tensor = direct
          ? cropToTensor(image, tileBox(level.scale, tile), DETECTOR_WIDTH, DETECTOR_HEIGHT, NORM_127_128_RGB)
          : toTensor(extractWindow(levelImage, tile.left, tile.top, DETECTOR_WIDTH, DETECTOR_HEIGHT), NORM_127_128_RGB);
        const out = await this.inference.run('detect', tensor);
        all.push(...decodeTileDetections(out.scores, out.boxes, level, tile, threshold));
      }
    }
    return nms(all, NMS_IOU, NMS_CONTAIN)
      .filter((b) => b.score >= threshold)
      .map((b) => ({
        x1: b.x1 * toOriginalX,
        y1: b.y1 * toOriginalY,
        x2: b.x2 * toOriginalX,
        y2: b.y2 * toOriginalY,
        score: b.score,
      }));
  }

  /** The detection image when it is full size; otherwise a full-resolution decode of the faces' region. */
  private async fullResolutionSource(
    buffer: Buffer,
    info: ImageInfo,
    detectionImage: RawRgb,
    boxes: ScoredBox[],
  ): Promise<Source> {
    if (detectionImage.width === info.width && detectionImage.height === info.height) {
      return { image: detectionImage, left: 0, top: 0 };
    }
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    for (const b of boxes) {
      const side = Math.max(b.x2 - b.x1, b.y2 - b.y1);
      const cx = (b.x1 + b.x2) / 2;
      const cy = (b.y1 + b.y2) / 2;
      const half = (side * THUMBNAIL_MARGIN) / 2 + 2;
      x1 = Math.min(x1, cx - half);
      y1 = Math.min(y1, cy - half);
      x2 = Math.max(x2, cx + half);
      y2 = Math.max(y2, cy + half);
    }
    const left = Math.max(0, Math.floor(x1));
    const top = Math.max(0, Math.floor(y1));
    const region: Rect = {
      left,
      top,
      width: Math.max(1, Math.min(info.width, Math.ceil(x2)) - left),
      height: Math.max(1, Math.min(info.height, Math.ceil(y2)) - top),
    };
    return { image: await this.images.decodeRegion(buffer, region), left, top };
  }

  /** The 68 landmarks (original pixels) of a face box, from the square crop around it. */
  private async landmarks(source: Source, box: ScoredBox): Promise<Float32Array> {
    const side = Math.max(box.x2 - box.x1, box.y2 - box.y1);
    const sq = { x: (box.x1 + box.x2) / 2 - side / 2, y: (box.y1 + box.y2) / 2 - side / 2, w: side, h: side };
    const crop = cropResize(source.image, { ...sq, x: sq.x - source.left, y: sq.y - source.top }, 64, 64);
    const grey = toGrey(crop);
    for (let i = 0; i < grey.length; i++) grey[i] /= 256;
    const raw = (await this.inference.run('landmark', grey)).output;
    const landmarks68 = new Float32Array(136);
    for (let i = 0; i < 68; i++) {
      landmarks68[i * 2] = sq.x + raw[i * 2] * side;
      landmarks68[i * 2 + 1] = sq.y + raw[i * 2 + 1] * side;
    }
    return landmarks68;
  }

  private async candidate(
    source: Source,
    box: ScoredBox,
    lap: (s: keyof StageTimings) => void,
  ): Promise<FaceCandidate> {
    if (box.score < this.options.detectionScoreThreshold) {
      // Below the score threshold: rejected without spending landmark and embedding runs on it.
      const evidence: CandidateEvidence = {
        detectorScore: box.score,
        alignmentError: NaN,
        eyeDistanceRatio: NaN,
        embeddingNorm: NaN,
      };
      const empty = { data: new Uint8Array(0), width: 0, height: 0 };
      return {
        box,
        landmarks68: new Float32Array(0),
        landmarks5: [],
        evidence,
        embedding: new Float32Array(0),
        aligned: empty,
        rejected: 'score',
      };
    }
    const w = box.x2 - box.x1;
    const landmarks68 = await this.landmarks(source, box);
    const landmarks5 = landmarks68To5(landmarks68);
    const fit = estimateSimilarity(landmarks5, ARCFACE_REFERENCE_112);
    lap('landmarks');

    // Image -> template transform; the warp needs template -> source-window coordinates.
    const toTemplate = fit.transform;
    const inv = invertAffine(toTemplate);
    const aligned = warpAffine(
      source.image,
      [inv[0], inv[1], inv[2] - source.left, inv[3], inv[4], inv[5] - source.top],
      112,
      112,
    );
    const rawEmbedding = (
      await this.inference.run(
        'feature',
        toTensor(aligned, this.options.embeddingChannelOrder === 'rgb' ? NORM_127_128_RGB : NORM_127_128_BGR),
      )
    ).output;
    const embedding = new Float32Array(rawEmbedding.length);
    let norm = 0;
    for (let i = 0; i < rawEmbedding.length; i++) norm += rawEmbedding[i] * rawEmbedding[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < rawEmbedding.length; i++) embedding[i] = rawEmbedding[i] / (norm || 1);
    lap('embed');

    const eyeDistance = Math.hypot(landmarks5[1][0] - landmarks5[0][0], landmarks5[1][1] - landmarks5[0][1]);
    const evidence: CandidateEvidence = {
      detectorScore: box.score,
      alignmentError: fit.rmsError,
      eyeDistanceRatio: eyeDistance / Math.max(1, w),
      embeddingNorm: norm,
    };
    const thresholds = { ...DEFAULT_FACE_FILTER, minDetectorScore: this.options.detectionScoreThreshold };
    return { box, landmarks68, landmarks5, evidence, embedding, aligned, rejected: rejectReason(evidence, thresholds) };
  }

  private async describe(
    source: Source,
    c: FaceCandidate,
    boundary: Rect,
    attributes: Set<FaceAttributeName>,
    thumbnails: boolean,
    lap: (s: keyof StageTimings) => void,
    raw: RawAttributes = {},
  ): Promise<DetectedFace> {
    const { box } = c;
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    const local = (x: number, y: number, bw: number, bh: number) => ({
      x: x - source.left,
      y: y - source.top,
      w: bw,
      h: bh,
    });
    // A square of `scale` x max(w, h) centred on the box, in the source window's pixels.
    const square = (scale: number) => {
      const side = Math.max(w, h) * scale;
      return local((box.x1 + box.x2) / 2 - side / 2, (box.y1 + box.y2) / 2 - side / 2, side, side);
    };
    const face: DetectedFace = {
      boundary,
      figureConfidence: box.score,
      landmarks5: c.landmarks5,
      embedding: c.embedding,
      ...(() => {
        const m = mouthState(c.landmarks68);
        return { mouth: m.mouth, mouthConfidence: m.mouthConfidence };
      })(),
      sharpness: sharpnessFromLaplacian(laplacianVariance(toGrey(c.aligned), 112, 112)),
      faceQuality: 0,
      isHD: false,
    };

    if ((attributes.has('age') || attributes.has('gender')) && this.options.ageGenderModel === 'face-api') {
      Object.assign(face, await this.ageGender(source, c.landmarks68, attributes, raw));
      lap(attributes.has('age') ? 'age' : 'gender');
    } else if (attributes.has('age') || attributes.has('gender')) {
      // SSR-Net input: the box enlarged 1.4x (kept inside the image as the reference code does), 64x64, BGR.
      const s = 1.4;
      const input = toTensor(
        cropResize(source.image, local(box.x1 - (w * (s - 1)) / 2, box.y1 - (h * (s - 1)) / 2, w * s, h * s), 64, 64),
        NORM_IMAGENET_BGR,
      );
      if (attributes.has('age')) {
        const out = (await this.inference.run('age', input)) as unknown as SsrNetOutputs;
        face.age = Math.round(ssrNetRegression(out, 101));
        face.ageSD = Math.round(Math.max(AGE_ERROR_FLOOR, ssrNetStage1Spread(out, 101)));
        lap('age');
      }
      if (attributes.has('gender')) {
        const out = (await this.inference.run('gender', input)) as unknown as SsrNetOutputs;
        const v = Math.min(1, Math.max(0, ssrNetRegression(out, 1)));
        face.gender = v >= 0.5 ? 'male' : 'female';
        face.genderConfidence = Math.max(v, 1 - v);
        lap('gender');
      }
    }
    if (attributes.has('pose')) {
      // A square of side max(w, h) centred on the box, no margin: stretching the tall box to 224x224 widened the
      // face ~1.4x and made yaw unstable (LFW dev: yaw of the mirrored face off its negation by sd 19.6 degrees
      // stretched, 2.1 square; libs/inference/README.md, "Face size and head pose for IMM's HD rule").
      const out = await this.inference.run('pose', cropToTensor(source.image, square(1), 224, 224, NORM_IMAGENET_RGB));
      face.headPose = { yaw: binnedAngle(out.output), pitch: binnedAngle(out['617']), roll: binnedAngle(out['618']) };
      lap('pose');
    }
    if (attributes.has('emotion')) {
      const out = await this.inference.run(
        'expression',
        cropToTensor(source.image, square(1.2), 224, 224, NORM_UNIT_RGB),
      );
      const p = softmax(out.output);
      let best = 0;
      for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
      face.emotion = EMOTIONS[best];
      face.emotionConfidence = p[best];
      lap('emotion');
    }
    if (attributes.has('eyes')) {
      let both = 1;
      for (const eb of eyeBoxes(c.landmarks68)) {
        const g = toGrey(cropResize(source.image, local(eb.x, eb.y, eb.w, eb.h), 24, 24));
        for (let i = 0; i < g.length; i++) g[i] /= 255;
        const p = softmax((await this.inference.run('eye', g)).output);
        both *= p[EYE_OPEN_INDEX];
      }
      face.eyesOpen = both;
      lap('eyes');
    }

    face.faceQuality = faceQuality({
      embeddingNorm: c.evidence.embeddingNorm,
      faceSize: Math.sqrt(w * h),
      detectorScore: box.score,
      sharpness: face.sharpness,
      yaw: face.headPose?.yaw,
      pitch: face.headPose?.pitch,
      eyesOpen: face.eyesOpen,
      alignmentError: c.evidence.alignmentError,
    });
    face.isHD = isHighDefinition(
      hdFaceWidth(boundary.width, jawSpan(c.landmarks68)),
      boundary.height,
      face.headPose,
      face.faceQuality,
    );

    if (thumbnails) {
      const crop = cropResize(source.image, square(THUMBNAIL_MARGIN), THUMBNAIL_SIZE, THUMBNAIL_SIZE);
      face.thumbnail = await this.images.encodeJpeg(crop);
      lap('thumbnail');
    }
    return face;
  }

  /**
   * face-api.js's age/gender network on its own crop (the landmarks' box grown 20%, letterboxed to 112x112), one
   * run for both; outputs calibrated by FACE_API_CALIBRATION. Also used to recompute stored faces' attributes.
   */
  private async ageGender(
    source: Source,
    landmarks68: ArrayLike<number>,
    attributes: ReadonlySet<FaceAttributeName>,
    raw: RawAttributes = {},
  ): Promise<Pick<DetectedFace, 'age' | 'ageSD' | 'gender' | 'genderConfidence'>> {
    const box = ageGenderBox(landmarks68);
    const input = letterboxToTensor(
      source.image,
      { ...box, x: box.x - source.left, y: box.y - source.top },
      AGE_GENDER_INPUT_SIZE,
      NORM_AGE_GENDER,
    );
    const out = await this.inference.run('ageGender', input);
    raw.age = out.age[0];
    raw.maleLogit = out.gender_logits[0] - out.gender_logits[1];
    const result: Pick<DetectedFace, 'age' | 'ageSD' | 'gender' | 'genderConfidence'> = {};
    if (attributes.has('age')) {
      const { age, ageSD } = calibratedAge(raw.age, FACE_API_CALIBRATION.age);
      result.age = Math.round(age);
      result.ageSD = Math.round(ageSD * 10) / 10;
    }
    if (attributes.has('gender')) {
      const male = calibratedMaleProbability(raw.maleLogit, FACE_API_CALIBRATION.gender);
      result.gender = male >= 0.5 ? 'male' : 'female';
      result.genderConfidence = Math.max(male, 1 - male);
    }
    return result;
  }
}

/** Index of the "open" class in fr_eye.onnx's 2-way output (checked on open-eyed LFW faces). */
export const EYE_OPEN_INDEX = 1;

/** A detection tile of a pyramid level as a box in the (unscaled) detection image. */
function tileBox(scale: number, tile: { left: number; top: number }): { x: number; y: number; w: number; h: number } {
  return { x: tile.left / scale, y: tile.top / scale, w: DETECTOR_WIDTH / scale, h: DETECTOR_HEIGHT / scale };
}

function toBoundary(b: ScoredBox, info: ImageInfo): Rect {
  const left = Math.max(0, Math.round(b.x1));
  const top = Math.max(0, Math.round(b.y1));
  const right = Math.min(info.width, Math.round(b.x2));
  const bottom = Math.min(info.height, Math.round(b.y2));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}
