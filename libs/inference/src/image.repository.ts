import { Injectable } from '@nestjs/common';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { sniffDimensions } from './image-header';
import { ImageRejectedError } from './image-rejected.error';
import type { RawRgb, Rect } from './image-ops';

/** IMM refuses images with a side above 30,000 px. */
export const MAX_IMAGE_SIDE = 30_000;
/** Decompression-bomb guard: sharp refuses more pixels than this before allocating. */
export const MAX_IMAGE_PIXELS = 250_000_000;
const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);

/** Facts read from the header only; width and height are after EXIF auto-orientation. */
export interface ImageInfo {
  width: number;
  height: number;
  format: string;
}

/**
 * The only place that talks to sharp/libvips. Every decode auto-orients, refuses corrupt or truncated data
 * (`failOn: 'error'`), caps the pixel count, and returns packed 8-bit RGB.
 */
@Injectable()
export class ImageRepository {
  constructor() {
    // Every image is seen once: libvips' operation cache would only hold memory.
    sharp.cache(false);
  }

  async inspect(buffer: Buffer): Promise<ImageInfo> {
    if (buffer.length === 0) throw new ImageRejectedError('InvalidImage.Empty', 'The image is empty (0 bytes).');
    let meta: Metadata;
    try {
      meta = await this.open(buffer).metadata();
    } catch (error) {
      const sniffed = sniffDimensions(buffer);
      if (sniffed) checkDimensions(sniffed.width, sniffed.height);
      throw toRejection(error);
    }
    const format = meta.format ?? 'unknown';
    if (!SUPPORTED_FORMATS.has(format)) {
      throw new ImageRejectedError('InvalidImage.UnsupportedFormat', `Unsupported image format: ${format}.`);
    }
    const raw = { width: meta.width ?? 0, height: meta.height ?? 0 };
    if (raw.width <= 0 || raw.height <= 0) {
      throw new ImageRejectedError('InvalidImage.Corrupt', 'The image header has no dimensions.');
    }
    checkDimensions(raw.width, raw.height);
    const swap = (meta.orientation ?? 1) >= 5;
    return { width: swap ? raw.height : raw.width, height: swap ? raw.width : raw.height, format };
  }

  /**
   * Decodes the whole auto-oriented image resized to exactly `width` x `height` (aspect is the caller's
   * business). Downscaling uses JPEG/WebP shrink-on-load, so a small target decodes much faster.
   */
  async decode(buffer: Buffer, info: ImageInfo, width = info.width, height = info.height): Promise<RawRgb> {
    let pipeline = this.open(buffer);
    if (width !== info.width || height !== info.height) {
      pipeline = pipeline.resize({ width, height, fit: 'fill', fastShrinkOnLoad: true });
    }
    return this.toRaw(pipeline);
  }

  /** Decodes one region of the auto-oriented image at full resolution. */
  async decodeRegion(buffer: Buffer, region: Rect): Promise<RawRgb> {
    return this.toRaw(this.open(buffer).extract(region));
  }

  /** Resamples packed RGB (already decoded) to `width` x `height` with libvips' anti-aliased kernels. */
  async resize(image: RawRgb, width: number, height: number): Promise<RawRgb> {
    if (width === image.width && height === image.height) return image;
    return this.toRaw(
      sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize({
        width,
        height,
        fit: 'fill',
      }),
    );
  }

  async encodeJpeg(image: RawRgb, quality = 85): Promise<Buffer> {
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .jpeg({ quality, mozjpeg: false })
      .toBuffer();
  }

  private open(buffer: Buffer): Sharp {
    return sharp(buffer, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS, autoOrient: true });
  }

  private async toRaw(pipeline: Sharp): Promise<RawRgb> {
    try {
      const { data, info } = await pipeline
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
      return { data, width: info.width, height: info.height };
    } catch (error) {
      throw toRejection(error);
    }
  }
}

function checkDimensions(width: number, height: number): void {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new ImageRejectedError(
      'InvalidImage.TooLarge',
      `The image is ${width}x${height}; each side must be at most ${MAX_IMAGE_SIDE} px.`,
    );
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageRejectedError(
      'InvalidImage.TooLarge',
      `The image has ${width * height} pixels; the limit is ${MAX_IMAGE_PIXELS}.`,
    );
  }
}

function toRejection(error: unknown): ImageRejectedError {
  if (error instanceof ImageRejectedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) {
    return new ImageRejectedError('InvalidImage.UnsupportedFormat', 'The data is not an image in a supported format.');
  }
  if (/pixel limit/i.test(message)) {
    return new ImageRejectedError('InvalidImage.TooLarge', `The image has more than ${MAX_IMAGE_PIXELS} pixels.`);
  }
  return new ImageRejectedError('InvalidImage.Corrupt', `The image could not be decoded: ${message.split('\n')[0]}`);
}
