import type { ScoredBox } from './nms';

/** fr_detect.onnx (an Ultra-Light RFB-320 style detector) takes a fixed 320x240 input. */
export const DETECTOR_WIDTH = 320;
export const DETECTOR_HEIGHT = 240;
/** Face side, in detector pixels, above which the detector is reliable (measured: 8 px 53%, 11 px 90%). */
export const DETECTOR_RELIABLE_FACE_PX = 18;
/** Scale ratio between pyramid levels. */
const LEVEL_STEP = 2.5;
/** Tile overlap in detector pixels; faces larger than this are left to the next coarser level. */
const TILE_OVERLAP = 96;

export interface DetectionTile {
  left: number;
  top: number;
}

/** One pyramid level: the detection image resized by `scale`, cut into 320x240 tiles (grey-padded). */
export interface DetectionLevel {
  scale: number;
  width: number;
  height: number;
  tiles: DetectionTile[];
}

/**
 * Plans the pyramid for an image of `width` x `height` so that faces of `minFaceSize` pixels reach
 * DETECTOR_RELIABLE_FACE_PX in some level. Level 0 fits the whole image into one tile; finer levels grow by
 * LEVEL_STEP and are tiled with overlap.
 */
export function planDetection(width: number, height: number, minFaceSize: number): DetectionLevel[] {
  const coarsest = Math.min(DETECTOR_WIDTH / width, DETECTOR_HEIGHT / height);
  const finest = Math.max(coarsest, DETECTOR_RELIABLE_FACE_PX / Math.max(1, minFaceSize));
  const levels: DetectionLevel[] = [];
  let scale = coarsest;
  for (;;) {
    const s = Math.min(scale, finest);
    const w = Math.max(1, Math.round(width * s));
    const h = Math.max(1, Math.round(height * s));
    levels.push({ scale: s, width: w, height: h, tiles: tileOrigins(w, h) });
    if (s >= finest) break;
    scale *= LEVEL_STEP;
    // Skip a last level that would add little resolution over the previous one.
    if (scale < finest && finest / scale < 1.25) scale = finest;
  }
  return levels;
}

function axisOrigins(length: number, tile: number): number[] {
  if (length <= tile) return [0];
  const count = Math.ceil((length - TILE_OVERLAP) / (tile - TILE_OVERLAP));
  const stride = (length - tile) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * stride));
}

function tileOrigins(width: number, height: number): DetectionTile[] {
  const tiles: DetectionTile[] = [];
  for (const top of axisOrigins(height, DETECTOR_HEIGHT)) {
    for (const left of axisOrigins(width, DETECTOR_WIDTH)) tiles.push({ left, top });
  }
  return tiles;
}

/**
 * Turns raw detector output for one tile into boxes in the coordinates of the unscaled image. `scores` is
 * [N,2] (background, face) and `boxes` [N,4] corner coordinates in 0..1 of the tile (already decoded from
 * priors by the model). Boxes cut by an interior tile edge are dropped: the overlapping neighbour tile or a
 * coarser level sees that face whole.
 */
export function decodeTileDetections(
  scores: Float32Array,
  boxes: Float32Array,
  level: DetectionLevel,
  tile: DetectionTile,
  threshold: number,
): ScoredBox[] {
  const out: ScoredBox[] = [];
  const n = scores.length / 2;
  const edge = 2;
  const innerLeft = tile.left > 0;
  const innerTop = tile.top > 0;
  const innerRight = tile.left + DETECTOR_WIDTH < level.width;
  const innerBottom = tile.top + DETECTOR_HEIGHT < level.height;
  for (let i = 0; i < n; i++) {
    const score = scores[i * 2 + 1];
    if (score < threshold) continue;
    const x1 = boxes[i * 4] * DETECTOR_WIDTH;
    const y1 = boxes[i * 4 + 1] * DETECTOR_HEIGHT;
    const x2 = boxes[i * 4 + 2] * DETECTOR_WIDTH;
    const y2 = boxes[i * 4 + 3] * DETECTOR_HEIGHT;
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;
    if (
      (innerLeft && x1 <= edge) ||
      (innerTop && y1 <= edge) ||
      (innerRight && x2 >= DETECTOR_WIDTH - edge) ||
      (innerBottom && y2 >= DETECTOR_HEIGHT - edge)
    ) {
      continue;
    }
    const clipW = level.width;
    const clipH = level.height;
    out.push({
      x1: Math.max(0, x1 + tile.left) / level.scale,
      y1: Math.max(0, y1 + tile.top) / level.scale,
      x2: Math.min(clipW, x2 + tile.left) / level.scale,
      y2: Math.min(clipH, y2 + tile.top) / level.scale,
      score,
    });
  }
  return out;
}
