/** Axis-aligned box in corner form with a score. */
export interface ScoredBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

export function boxArea(b: ScoredBox): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

function intersection(a: ScoredBox, b: ScoredBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: ScoredBox, b: ScoredBox): number {
  const inter = intersection(a, b);
  if (inter === 0) return 0;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/**
 * Greedy non-maximum suppression: keeps the best-scored box and drops the others overlapping it by more than
 * `iouThreshold`. With `containThreshold` < 1 it also drops a box whose area lies mostly inside a kept box
 * (a face part detected at a finer scale, e.g. one eye and nose). Returns kept boxes, best first.
 */
export function nms<T extends ScoredBox>(boxes: readonly T[], iouThreshold: number, containThreshold = 1): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const box of sorted) {
    const area = boxArea(box);
    const suppressed = kept.some((k) => {
      const inter = intersection(k, box);
      if (inter === 0) return false;
      if (inter / (area + boxArea(k) - inter) > iouThreshold) return true;
      return area > 0 && inter / area > containThreshold;
    });
    if (!suppressed) kept.push(box);
  }
  return kept;
}
