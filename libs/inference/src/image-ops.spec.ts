import {
  cropResize,
  extractWindow,
  laplacianVariance,
  NORM_127_128_BGR,
  NORM_IMAGENET_RGB,
  cropToTensor,
  toGrey,
  toTensor,
  warpAffine,
  type RawRgb,
} from './image-ops';

function noise(width: number, height: number, seed = 7): RawRgb {
  let x = seed;
  const data = new Uint8Array(width * height * 3).map(() => ((x = (x * 1103515245 + 12345) % 2147483648) >> 16) & 255);
  return { data, width, height };
}

function gradient(width: number, height: number): RawRgb {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x * 10, y * 10, 200], (y * width + x) * 3);
  return { data, width, height };
}

describe('image ops', () => {
  it('crops an exact integer window unchanged and pads outside with grey', () => {
    const img = gradient(8, 8);
    const crop = cropResize(img, { x: 2, y: 3, w: 4, h: 4 }, 4, 4);
    expect(Array.from(crop.data.subarray(0, 3))).toEqual([20, 30, 200]);
    const w = extractWindow(img, 6, 6, 4, 4);
    expect(Array.from(w.data.subarray(0, 3))).toEqual([60, 60, 200]);
    expect(Array.from(w.data.subarray(w.data.length - 3))).toEqual([127, 127, 127]);
  });

  it('writes NCHW tensors in the requested channel order', () => {
    const img: RawRgb = { data: new Uint8Array([255, 0, 127]), width: 1, height: 1 };
    const norm = { mean: [127, 127, 127], std: [128, 128, 128] } as const;
    expect(Array.from(toTensor(img, { ...norm, order: 'rgb' }))).toEqual([1, -127 / 128, 0]);
    expect(Array.from(toTensor(img, { ...norm, order: 'bgr' }))).toEqual([0, -127 / 128, 1]);
  });

  it('gives zero Laplacian variance on a flat image and more on a checkerboard', () => {
    const flat = toGrey({ data: new Uint8Array(16 * 16 * 3).fill(90), width: 16, height: 16 });
    expect(laplacianVariance(flat, 16, 16)).toBe(0);
    const check = new Float32Array(256).map((_, i) => (((i % 16) + Math.floor(i / 16)) % 2) * 255);
    expect(laplacianVariance(check, 16, 16)).toBeGreaterThan(1000);
  });

  it('cropToTensor at scale 1 equals the window copied and normalised, grey beyond the image', () => {
    const img = noise(50, 40);
    for (const norm of [NORM_127_128_BGR, NORM_IMAGENET_RGB]) {
      const direct = cropToTensor(img, { x: 10, y: 5, w: 64, h: 48 }, 64, 48, norm);
      const reference = toTensor(extractWindow(img, 10, 5, 64, 48), norm);
      expect(direct).toHaveLength(reference.length);
      let worst = 0;
      for (let i = 0; i < direct.length; i++) worst = Math.max(worst, Math.abs(direct[i] - reference[i]));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('cropToTensor resamples like the bilinear warp (up to its 8-bit rounding)', () => {
    const img = noise(250, 250, 3);
    for (const scale of [0.96, 0.8, 1.7]) {
      const k = 1 / scale;
      const direct = cropToTensor(img, { x: 0, y: 0, w: 320 * k, h: 240 * k }, 320, 240, NORM_127_128_BGR);
      const reference = toTensor(warpAffine(img, [k, 0, 0, 0, k, 0], 320, 240), NORM_127_128_BGR);
      const inside = Math.min(240, Math.round(250 * scale) - 1);
      let worst = 0;
      for (let c = 0; c < 3; c++) {
        for (let y = 1; y < inside; y++) {
          for (let x = 1; x < Math.min(320, Math.round(250 * scale) - 1); x++) {
            const i = c * 320 * 240 + y * 320 + x;
            worst = Math.max(worst, Math.abs(direct[i] - reference[i]));
          }
        }
      }
      expect(worst).toBeLessThanOrEqual(0.5 / 128 + 1e-6);
      // (Edge pixels differ by design: this clamps to the border, the warp blends in grey.)
      // Right of the scaled image: grey, i.e. 0 after (v - 127) / 128.
      if (Math.round(250 * scale) < 320) expect(direct[10 * 320 + 319]).toBe(0);
    }
  });

  it('cropToTensor reads grey left of and above the image', () => {
    const img = noise(40, 40, 11);
    const t = cropToTensor(img, { x: -10, y: -5, w: 40, h: 40 }, 40, 40, NORM_127_128_BGR);
    const reference = toTensor(cropResize(img, { x: -10, y: -5, w: 40, h: 40 }, 40, 40), NORM_127_128_BGR);
    expect(t[2 * 40 + 3]).toBe(0); // row 2, column 3: above and left of the image
    expect(t[20 * 40 + 9]).toBe(0); // column 9 maps to x = -1
    expect(Math.abs(t[20 * 40 + 25] - reference[20 * 40 + 25])).toBeLessThan(1e-5);
  });
});
