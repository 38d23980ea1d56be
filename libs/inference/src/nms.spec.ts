import { iou, nms, type ScoredBox } from './nms';

const box = (x1: number, y1: number, x2: number, y2: number, score: number): ScoredBox => ({ x1, y1, x2, y2, score });

describe('iou', () => {
  it('is 1 for identical boxes and 0 for disjoint ones', () => {
    expect(iou(box(0, 0, 10, 10, 1), box(0, 0, 10, 10, 1))).toBe(1);
    expect(iou(box(0, 0, 10, 10, 1), box(10, 0, 20, 10, 1))).toBe(0);
  });

  it('computes the overlap ratio', () => {
    // Intersection 5x10 = 50, union 150.
    expect(iou(box(0, 0, 10, 10, 1), box(5, 0, 15, 10, 1))).toBeCloseTo(1 / 3);
  });
});

describe('nms', () => {
  it('keeps the best of overlapping boxes and every separate box, best first', () => {
    const kept = nms([box(0, 0, 10, 10, 0.8), box(1, 1, 11, 11, 0.9), box(50, 50, 60, 60, 0.7)], 0.4);
    expect(kept.map((b) => b.score)).toEqual([0.9, 0.7]);
  });

  it('keeps boxes overlapping less than the threshold', () => {
    expect(nms([box(0, 0, 10, 10, 0.9), box(5, 0, 15, 10, 0.8)], 0.4)).toHaveLength(2);
  });

  it('drops a box mostly contained in a better one when asked to', () => {
    const big = box(0, 0, 100, 100, 0.95);
    const part = box(10, 10, 40, 40, 0.9);
    expect(nms([big, part], 0.4)).toHaveLength(2);
    expect(nms([big, part], 0.4, 0.8)).toEqual([big]);
  });

  it('does not mutate its input', () => {
    const input = [box(0, 0, 10, 10, 0.1), box(0, 0, 10, 10, 0.9)];
    nms(input, 0.5);
    expect(input[0].score).toBe(0.1);
  });
});
