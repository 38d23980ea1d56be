import type { Point } from './similarity-transform';

/** IMM-style emotion values, in the output order of fr_expression.onnx (FER-2013 class order, checked on photos). */
export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprised', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/** Mean absolute age error measured for fr_age.onnx (13-15 years on LFW); the floor of its ageSD ('ssr-net' only). */
export const AGE_ERROR_FLOOR = 14;

export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** 68-point landmarks (x, y interleaved) -> eye centres, nose tip, mouth corners. */
export function landmarks68To5(p: ArrayLike<number>): Point[] {
  const mean = (...idx: number[]): Point => [
    idx.reduce((s, i) => s + p[i * 2], 0) / idx.length,
    idx.reduce((s, i) => s + p[i * 2 + 1], 0) / idx.length,
  ];
  return [mean(37, 38, 40, 41), mean(43, 44, 46, 47), mean(30), mean(48, 60), mean(54, 64)];
}

/**
 * Face width from the 68 landmarks: the distance between the ends of the jaw contour (points 0 and 16, at ear
 * level), in the landmarks' pixels. Rotation-invariant. On LFW dev it is 1.057x the detection box's width
 * (median; 90% of faces wider than their box), 1.11x on the tallest, narrowest boxes (libs/inference/README.md,
 * "Face size and head pose for IMM's HD rule").
 */
export function jawSpan(p: ArrayLike<number>): number {
  return Math.hypot(p[32] - p[0], p[33] - p[1]);
}

/** SSR-Net stage outputs of fr_age / fr_gender, in the model's output order. */
export interface SsrNetOutputs {
  prob_stage_1: Float32Array;
  prob_stage_2: Float32Array;
  prob_stage_3: Float32Array;
  stage1_delta_k: Float32Array;
  stage2_delta_k: Float32Array;
  stage3_delta_k: Float32Array;
  index_offset_stage1: Float32Array;
  index_offset_stage2: Float32Array;
  index_offset_stage3: Float32Array;
}

/** SSR-Net soft stagewise regression (Yang et al. 2018), 3 stages of 3 bins, lambda_local = lambda_d = 1. */
export function ssrNetRegression(o: SsrNetOutputs, range: number): number {
  const stages = [
    [o.prob_stage_1, o.index_offset_stage1, o.stage1_delta_k[0]],
    [o.prob_stage_2, o.index_offset_stage2, o.stage2_delta_k[0]],
    [o.prob_stage_3, o.index_offset_stage3, o.stage3_delta_k[0]],
  ] as const;
  let total = 0;
  let denominator = 1;
  for (const [prob, offset, delta] of stages) {
    denominator *= 3 * (1 + delta);
    let stage = 0;
    for (let i = 0; i < 3; i++) stage += (i + offset[i]) * prob[i];
    total += stage / denominator;
  }
  return total * range;
}

/** Spread (years) of SSR-Net's first-stage distribution over its three 33.7-year bins. */
export function ssrNetStage1Spread(o: SsrNetOutputs, range: number): number {
  const width = range / (3 * (1 + o.stage1_delta_k[0]));
  let mean = 0;
  for (let i = 0; i < 3; i++) mean += o.prob_stage_1[i] * (i + o.index_offset_stage1[i]) * width;
  let variance = 0;
  for (let i = 0; i < 3; i++) variance += o.prob_stage_1[i] * ((i + o.index_offset_stage1[i]) * width - mean) ** 2;
  return Math.sqrt(variance);
}

/** Hopenet-style 66-bin head pose: angle = Σ softmax(bin) · bin · 3 − 99 degrees. */
export function binnedAngle(logits: ArrayLike<number>): number {
  const p = softmax(logits);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i] * i;
  return sum * 3 - 99;
}

/**
 * Mouth openness from 68-point landmarks: inner-lip gap (62-66) over mouth width (48-54). Returns the state
 * and a confidence that grows with the distance from the 0.12 decision ratio.
 */
export function mouthState(p: ArrayLike<number>): { mouth: 'open' | 'close'; mouthConfidence: number; ratio: number } {
  const gap = Math.hypot(p[66 * 2] - p[62 * 2], p[66 * 2 + 1] - p[62 * 2 + 1]);
  const width = Math.hypot(p[54 * 2] - p[48 * 2], p[54 * 2 + 1] - p[48 * 2 + 1]);
  const ratio = width > 0 ? gap / width : 0;
  const pOpen = 1 / (1 + Math.exp(-(ratio - 0.12) / 0.03));
  return pOpen >= 0.5
    ? { mouth: 'open', mouthConfidence: pOpen, ratio }
    : { mouth: 'close', mouthConfidence: 1 - pOpen, ratio };
}

/** Square eye crop (x, y, side) around points 36-41 or 42-47, side = 1.6 x eye width (as the model expects). */
export function eyeBoxes(p: ArrayLike<number>): { x: number; y: number; w: number; h: number }[] {
  return [
    [36, 39, [37, 38, 40, 41]],
    [42, 45, [43, 44, 46, 47]],
  ].map(([a, b, centre]) => {
    const idx = centre as number[];
    const cx = idx.reduce((s, i) => s + p[i * 2], 0) / idx.length;
    const cy = idx.reduce((s, i) => s + p[i * 2 + 1], 0) / idx.length;
    const side = Math.max(2, Math.abs(p[(b as number) * 2] - p[(a as number) * 2]) * 1.6);
    return { x: cx - side / 2, y: cy - side / 2, w: side, h: side };
  });
}

/**
 * The face crop of face-api.js's age/gender network: the bounding box of the 68 landmarks grown by 20% of its
 * width and height (face-api.js's FaceLandmarks.align(), its default alignMinBbox(0.2)).
 */
export function ageGenderBox(p: ArrayLike<number>): { x: number; y: number; w: number; h: number } {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    x1 = Math.min(x1, p[i]);
    x2 = Math.max(x2, p[i]);
    y1 = Math.min(y1, p[i + 1]);
    y2 = Math.max(y2, p[i + 1]);
  }
  const w = x2 - x1;
  const h = y2 - y1;
  return { x: x1 - w * 0.1, y: y1 - h * 0.1, w: w * 1.2, h: h * 1.2 };
}
