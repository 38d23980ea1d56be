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
/** face-api.js's TinyXception input: (rgb - its training set's mean) / 255. */
export const NORM_AGE_GENDER: Normalisation = { mean: [122.782, 117.001, 104.298], std: [255, 255, 255], order: 'rgb' };

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
 * Hot path of every face (landmark crop, alignment, attribute crops): sample positions advance incrementally and
 * the in-bounds case allocates nothing (the border case, rare, goes through sampleWithBorder).
 */
export function warpAffine(src: RawRgb, outToSrc: Affine, width: number, height: number): RawRgb {
  const out = new Uint8Array(width * height * 3);
  const [a, b, c, d, e, f] = outToSrc;
  const scale = Math.sqrt(Math.abs(a * e - b * d));
  // Supersample only when shrinking by more than 1.25x; plain bilinear is fine below that.
  const taps = Math.max(1, Math.min(4, Math.ceil(scale - 0.25)));
  const inv = 1 / (taps * taps);
  const step = 1 / taps;
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  const row = sw * 3;
  const acc = new Float64Array(3);
  let o = 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let ty = 0; ty < taps; ty++) {
        const vy = v + (ty + 0.5) * step;
        // Sample point for tx = 0; each further tap moves by (a, d) * step.
        let x = a * (u + 0.5 * step) + b * vy + c - 0.5;
        let y = d * (u + 0.5 * step) + e * vy + f - 0.5;
        for (let tx = 0; tx < taps; tx++, x += a * step, y += d * step) {
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
            const w00 = (1 - fx) * (1 - fy);
            const w10 = fx * (1 - fy);
            const w01 = (1 - fx) * fy;
            const w11 = fx * fy;
            const i00 = y0 * row + x0 * 3;
            const i01 = i00 + row;
            r += s[i00] * w00 + s[i00 + 3] * w10 + s[i01] * w01 + s[i01 + 3] * w11;
            g += s[i00 + 1] * w00 + s[i00 + 4] * w10 + s[i01 + 1] * w01 + s[i01 + 4] * w11;
            bl += s[i00 + 2] * w00 + s[i00 + 5] * w10 + s[i01 + 2] * w01 + s[i01 + 5] * w11;
          } else {
            sampleWithBorder(src, x0, y0, fx, fy, acc);
            r += acc[0];
            g += acc[1];
            bl += acc[2];
          }
        }
      }
      out[o] = Math.round(r * inv);
      out[o + 1] = Math.round(g * inv);
      out[o + 2] = Math.round(bl * inv);
      o += 3;
    }
  }
  return { data: out, width, height };
}

/** Bilinear sample where some of the 4 neighbours fall outside the image (they read as grey 127). */
function sampleWithBorder(src: RawRgb, x0: number, y0: number, fx: number, fy: number, acc: Float64Array): void {
  acc[0] = 0;
  acc[1] = 0;
  acc[2] = 0;
  const s = src.data;
  for (let k = 0; k < 4; k++) {
    const cx = x0 + (k & 1);
    const cy = y0 + (k >> 1);
    const w = ((k & 1) === 1 ? fx : 1 - fx) * (k >> 1 === 1 ? fy : 1 - fy);
    if (cx >= 0 && cy >= 0 && cx < src.width && cy < src.height) {
      const i = (cy * src.width + cx) * 3;
      acc[0] += s[i] * w;
      acc[1] += s[i + 1] * w;
      acc[2] += s[i + 2] * w;
    } else {
      acc[0] += 127 * w;
      acc[1] += 127 * w;
      acc[2] += 127 * w;
    }
  }
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

/**
 * NCHW float tensor of the (fractional, possibly out-of-bounds) `box` of `src` resized to `width` x `height`:
 * the same sampling as `toTensor(cropResize(src, box, width, height), norm)` without the 8-bit intermediate
 * image or a second pass. Plain bilinear (pixel-centre convention, clamped at the image border, grey 127 outside
 * it), so when the box shrinks by more than 1.25x on an axis it falls back to the supersampling warp.
 */
export function cropToTensor(
  src: RawRgb,
  box: { x: number; y: number; w: number; h: number },
  width: number,
  height: number,
  norm: Normalisation,
): Float32Array {
  const kx = box.w / width;
  const ky = box.h / height;
  if (kx > 1.25 || ky > 1.25) return toTensor(cropResize(src, box, width, height), norm);
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const map = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) out.fill((127 - norm.mean[c]) / norm.std[c], c * plane, (c + 1) * plane);
  const sw = src.width;
  const sh = src.height;
  // Per output column / row: first neighbour (clamped so that +1 stays inside) and weight; -1 = outside.
  const axis = (n: number, origin: number, k: number, size: number): { first: Int32Array; frac: Float32Array } => {
    const first = new Int32Array(n).fill(-1);
    const frac = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = origin + (i + 0.5) * k - 0.5;
      if (p < -0.5 || p > size - 0.5) continue;
      const q = Math.min(size - 1, Math.max(0, p));
      const i0 = Math.max(0, Math.min(size - 2, Math.floor(q)));
      first[i] = i0;
      frac[i] = size > 1 ? q - i0 : 0;
    }
    return { first, frac };
  };
  const cols = axis(width, box.x, kx, sw);
  const rows = axis(height, box.y, ky, sh);
  const s = src.data;
  const row = sw * 3;
  const dx = sw > 1 ? 3 : 0;
  const dy = sh > 1 ? row : 0;
  // Source channel k goes to output plane map[k] (map is its own inverse), normalised as that plane.
  const m0 = norm.mean[map[0]];
  const m1 = norm.mean[map[1]];
  const m2 = norm.mean[map[2]];
  const i0 = 1 / norm.std[map[0]];
  const i1 = 1 / norm.std[map[1]];
  const i2 = 1 / norm.std[map[2]];
  const p0 = map[0] * plane;
  const p1 = map[1] * plane;
  const p2 = map[2] * plane;
  for (let v = 0; v < height; v++) {
    const y0 = rows.first[v];
    if (y0 < 0) continue;
    const fy = rows.frac[v];
    const r0 = y0 * row;
    for (let u = 0; u < width; u++) {
      const x0 = cols.first[u];
      if (x0 < 0) continue;
      const fx = cols.frac[u];
      const a = r0 + x0 * 3;
      const b = a + dy;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = v * width + u;
      out[p0 + o] = (s[a] * w00 + s[a + dx] * w10 + s[b] * w01 + s[b + dx] * w11 - m0) * i0;
      out[p1 + o] = (s[a + 1] * w00 + s[a + 1 + dx] * w10 + s[b + 1] * w01 + s[b + 1 + dx] * w11 - m1) * i1;
      out[p2 + o] = (s[a + 2] * w00 + s[a + 2 + dx] * w10 + s[b + 2] * w01 + s[b + 2 + dx] * w11 - m2) * i2;
    }
  }
  return out;
}

/**
 * NCHW float tensor of `box` clipped to the image, scaled to fit a `size` x `size` square and centred on black
 * (0) along the shorter side: face-api.js's extractFaces + toBatchTensor(size, centred), which its age/gender
 * network was trained with.
 */
export function letterboxToTensor(
  src: RawRgb,
  box: { x: number; y: number; w: number; h: number },
  size: number,
  norm: Normalisation,
): Float32Array {
  const x1 = Math.max(0, Math.floor(box.x));
  const y1 = Math.max(0, Math.floor(box.y));
  const x2 = Math.min(src.width, Math.floor(box.x + box.w));
  const y2 = Math.min(src.height, Math.floor(box.y + box.h));
  const w = Math.max(1, x2 - x1);
  const h = Math.max(1, y2 - y1);
  const scale = size / Math.max(w, h);
  const iw = Math.max(1, Math.min(size, Math.round(w * scale)));
  const ih = Math.max(1, Math.min(size, Math.round(h * scale)));
  const inner = cropResize(src, { x: x1, y: y1, w, h }, iw, ih);
  const canvas: RawRgb = { data: new Uint8Array(size * size * 3), width: size, height: size };
  const left = Math.floor((size - iw) / 2);
  const top = Math.floor((size - ih) / 2);
  for (let y = 0; y < ih; y++)
    canvas.data.set(inner.data.subarray(y * iw * 3, (y + 1) * iw * 3), ((top + y) * size + left) * 3);
  return toTensor(canvas, norm);
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
