/** Pure pixel operations on packed 8-bit RGB; no library imports so they run anywhere and test fast. */

export interface RawRgb {
  /** Packed RGB, row-major, 3 bytes per pixel. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** Integer pixel rectangle. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Row-major 2x3 affine matrix [a, b, c, d, e, f]: x' = a x + b y + c, y' = d x + e y + f. */
export type Affine = [number, number, number, number, number, number];

/** Per-channel normalisation in 0..255 units: (v - mean) / std, written in the given channel order, NCHW. */
export interface Normalisation {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  order: 'rgb' | 'bgr';
}

export const NORM_127_128_RGB: Normalisation = { mean: [127, 127, 127], std: [128, 128, 128], order: 'rgb' };
export const NORM_127_128_BGR: Normalisation = { mean: [127, 127, 127], std: [128, 128, 128], order: 'bgr' };
export const NORM_IMAGENET_RGB: Normalisation = {
  mean: [0.485 * 255, 0.456 * 255, 0.406 * 255],
  std: [0.229 * 255, 0.224 * 255, 0.225 * 255],
  order: 'rgb',
};
export const NORM_IMAGENET_BGR: Normalisation = { ...NORM_IMAGENET_RGB, order: 'bgr' };
export const NORM_UNIT_RGB: Normalisation = { mean: [0, 0, 0], std: [255, 255, 255], order: 'rgb' };

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('singular affine transform');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/**
 * Resamples `src` into a `width` x `height` image where output pixel centre (u, v) reads source point
 * `outToSrc(u, v)` (pixel-centre convention). Bilinear, with up to 4x4 supersampling when shrinking so that
 * large faces are averaged instead of aliased. Points outside the source read as mid grey (127).
 */
export function warpAffine(src: RawRgb, outToSrc: Affine, width: number, height: number): RawRgb {
  const out = new Uint8Array(width * height * 3);
  const [a, b, c, d, e, f] = outToSrc;
  const scale = Math.sqrt(Math.abs(a * e - b * d));
  // Supersample only when shrinking by more than 1.25x; plain bilinear is fine below that.
  const taps = Math.max(1, Math.min(4, Math.ceil(scale - 0.25)));
  const n = taps * taps;
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  const row = sw * 3;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let ty = 0; ty < taps; ty++) {
        const vy = v + (ty + 0.5) / taps;
        for (let tx = 0; tx < taps; tx++) {
          const ux = u + (tx + 0.5) / taps;
          const x = a * ux + b * vy + c - 0.5;
          const y = d * ux + e * vy + f - 0.5;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          const w00 = (1 - fx) * (1 - fy);
          const w10 = fx * (1 - fy);
          const w01 = (1 - fx) * fy;
          const w11 = fx * fy;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
            const i00 = y0 * row + x0 * 3;
            const i01 = i00 + row;
            r += s[i00] * w00 + s[i00 + 3] * w10 + s[i01] * w01 + s[i01 + 3] * w11;
            g += s[i00 + 1] * w00 + s[i00 + 4] * w10 + s[i01 + 1] * w01 + s[i01 + 4] * w11;
            bl += s[i00 + 2] * w00 + s[i00 + 5] * w10 + s[i01 + 2] * w01 + s[i01 + 5] * w11;
          } else {
            // Border: each of the 4 neighbours reads grey (127) when outside the source.
            const corners: [number, number, number][] = [
              [x0, y0, w00],
              [x0 + 1, y0, w10],
              [x0, y0 + 1, w01],
              [x0 + 1, y0 + 1, w11],
            ];
            for (const [cx, cy, w] of corners) {
              if (cx >= 0 && cy >= 0 && cx < sw && cy < sh) {
                const i = cy * row + cx * 3;
                r += s[i] * w;
                g += s[i + 1] * w;
                bl += s[i + 2] * w;
              } else {
                r += 127 * w;
                g += 127 * w;
                bl += 127 * w;
              }
            }
          }
        }
      }
      const o = (v * width + u) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(bl / n);
    }
  }
  return { data: out, width, height };
}

/** Crops the (fractional, possibly out-of-bounds) box and resizes it to `width` x `height`. */
export function cropResize(
  src: RawRgb,
  box: { x: number; y: number; w: number; h: number },
  width: number,
  height: number,
): RawRgb {
  return warpAffine(src, [box.w / width, 0, box.x, 0, box.h / height, box.y], width, height);
}

/** Copies an integer window; pixels outside the source are mid grey. */
export function extractWindow(src: RawRgb, left: number, top: number, width: number, height: number): RawRgb {
  const out = new Uint8Array(width * height * 3).fill(127);
  const x0 = Math.max(0, left);
  const x1 = Math.min(src.width, left + width);
  if (x1 <= x0) return { data: out, width, height };
  for (let y = Math.max(0, top); y < Math.min(src.height, top + height); y++) {
    const from = (y * src.width + x0) * 3;
    out.set(src.data.subarray(from, from + (x1 - x0) * 3), ((y - top) * width + (x0 - left)) * 3);
  }
  return { data: out, width, height };
}

/** NCHW float tensor of one image. */
export function toTensor(img: RawRgb, norm: Normalisation): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(plane * 3);
  const src = img.data;
  const map = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const ch = map[c];
    const mean = norm.mean[c];
    const inv = 1 / norm.std[c];
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (src[i * 3 + ch] - mean) * inv;
  }
  return out;
}

/** BT.601 luma, 0..255 floats. */
export function toGrey(img: RawRgb): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const s = img.data;
  for (let i = 0; i < n; i++) out[i] = 0.299 * s[i * 3] + 0.587 * s[i * 3 + 1] + 0.114 * s[i * 3 + 2];
  return out;
}

/** Variance of the 4-neighbour Laplacian over the interior (a standard focus / blur measure). */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const l = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}
