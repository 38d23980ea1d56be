import { cropResize, extractWindow, laplacianVariance, toGrey, toTensor, type RawRgb } from './image-ops';

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
});
