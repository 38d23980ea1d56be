import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Benchmark tooling builds test photos in memory; app code goes through ImageRepository instead.
import sharp from 'sharp';

export interface Paste {
  image: Buffer;
  left: number;
  top: number;
  size: number;
}

export function imagesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** `background` resized to cover width x height, with `pastes` composited, encoded as JPEG. */
export async function composePhoto(
  background: string | Buffer,
  width: number,
  height: number,
  pastes: Paste[],
  quality = 90,
): Promise<Buffer> {
  const base = await sharp(typeof background === 'string' ? readFileSync(background) : background)
    .rotate()
    .resize({ width, height, fit: 'cover' })
    .flatten({ background: '#808080' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  const layers = await Promise.all(
    pastes.map(async (p) => ({
      input: await sharp(p.image).rotate().resize(p.size, p.size, { fit: 'fill' }).toBuffer(),
      left: p.left,
      top: p.top,
    })),
  );
  return sharp(base, { raw: { width, height, channels: 3 } })
    .composite(layers)
    .jpeg({ quality })
    .toBuffer();
}

/** A 12 MP (4000x3000) photo: a multi-face photo upscaled to fill the frame, so faces are 200-600 px. */
export async function upscaledPhoto(path: string, width = 4000, height = 3000): Promise<Buffer> {
  return composePhoto(path, width, height, []);
}

/** Square crop of a 250x250 LFW deep-funneled image around the face: (60,60)-(190,190). */
export async function lfwFaceCrop(path: string): Promise<Buffer> {
  return sharp(readFileSync(path)).extract({ left: 60, top: 60, width: 130, height: 130 }).png().toBuffer();
}
