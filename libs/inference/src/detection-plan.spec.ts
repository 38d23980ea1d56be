import {
  decodeTileDetections,
  DETECTOR_HEIGHT,
  DETECTOR_RELIABLE_FACE_PX,
  DETECTOR_WIDTH,
  planDetection,
} from './detection-plan';

describe('planDetection', () => {
  it('uses a single pass for a small image', () => {
    const levels = planDetection(250, 250, 40);
    expect(levels).toHaveLength(1);
    expect(levels[0].tiles).toEqual([{ left: 0, top: 0 }]);
    expect(levels[0].width).toBeLessThanOrEqual(DETECTOR_WIDTH);
    expect(levels[0].height).toBeLessThanOrEqual(DETECTOR_HEIGHT);
  });

  it('adds tiled levels until the minimum face reaches the reliable size, covering the whole level', () => {
    const levels = planDetection(4000, 3000, 40);
    const finest = levels[levels.length - 1];
    expect(40 * finest.scale).toBeCloseTo(DETECTOR_RELIABLE_FACE_PX, 5);
    for (let i = 1; i < levels.length; i++) expect(levels[i].scale).toBeGreaterThan(levels[i - 1].scale);
    for (const level of levels) {
      const right = Math.max(...level.tiles.map((t) => t.left + DETECTOR_WIDTH));
      const bottom = Math.max(...level.tiles.map((t) => t.top + DETECTOR_HEIGHT));
      expect(right).toBeGreaterThanOrEqual(level.width);
      expect(bottom).toBeGreaterThanOrEqual(level.height);
    }
  });
});

describe('decodeTileDetections', () => {
  const level = { scale: 0.5, width: 640, height: 480, tiles: [] };

  it('maps boxes from tile fractions to unscaled image pixels and applies the threshold', () => {
    const scores = new Float32Array([0.1, 0.9, 0.7, 0.3]);
    const boxes = new Float32Array([0.25, 0.25, 0.5, 0.5, 0.1, 0.1, 0.2, 0.2]);
    const out = decodeTileDetections(scores, boxes, level, { left: 0, top: 0 }, 0.5);
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual({ x1: 160, y1: 120, x2: 320, y2: 240, score: expect.closeTo(0.9, 5) });
  });

  it('drops boxes cut by an interior tile edge but keeps those on the image border', () => {
    const scores = new Float32Array([0, 1]);
    const boxes = new Float32Array([0, 0.3, 0.2, 0.6]);
    expect(decodeTileDetections(scores, boxes, level, { left: 0, top: 0 }, 0.5)).toHaveLength(1);
    expect(decodeTileDetections(scores, boxes, level, { left: 100, top: 0 }, 0.5)).toHaveLength(0);
  });
});
