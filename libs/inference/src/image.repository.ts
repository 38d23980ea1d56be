import { Inject, Injectable, Optional } from '@nestjs/common';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { sniffDimensions } from './image-header';
import { ImageRejectedError } from './image-rejected.error';
import type { RawRgb, Rect } from './image-ops';
import { INFERENCE_OPTIONS, type ResolvedInferenceOptions } from './inference.options';

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
  private readonly maxDecodeBytes: number;
  private readonly decodeTimeoutSeconds: number;

  constructor(
    @Optional()
    @Inject(INFERENCE_OPTIONS)
    options?: Pick<ResolvedInferenceOptions, 'maxDecodeBytes' | 'decodeTimeoutSeconds'>,
  ) {
    this.maxDecodeBytes = options?.maxDecodeBytes ?? 300_000_000;
    this.decodeTimeoutSeconds = options?.decodeTimeoutSeconds ?? 20;
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
      if (sniffed) {
        checkDimensions(sniffed.width, sniffed.height);
        this.checkDecodeBudget(sniffed.width, sniffed.height, 3);
      }
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
    this.checkDecodeBudget(raw.width, raw.height, bytesPerPixel(meta));
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
      sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
        .timeout({ seconds: this.decodeTimeoutSeconds })
        .resize({
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

  /** Refuses, from the header alone, an image whose decoded pixels would exceed the decode budget. */
  private checkDecodeBudget(width: number, height: number, bytes: number): void {
    const needed = width * height * bytes;
    if (needed > this.maxDecodeBytes) {
      throw new ImageRejectedError(
        'InvalidImage.TooLarge',
        `The image is ${width}x${height} (${Math.round(needed / 1e6)} MB decoded); the decode budget is ${Math.round(this.maxDecodeBytes / 1e6)} MB.`,
      );
    }
  }

  private open(buffer: Buffer): Sharp {
    return sharp(buffer, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS, autoOrient: true }).timeout({
      seconds: this.decodeTimeoutSeconds,
    });
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

/** Bytes per pixel while decoding: the header's channels (at least the 3 of RGB) times the sample size. */
function bytesPerPixel(meta: Metadata): number {
  const sample =
    meta.depth === 'ushort' || meta.depth === 'short'
      ? 2
      : meta.depth === 'float' || meta.depth === 'uint' || meta.depth === 'int'
        ? 4
        : meta.depth === 'double'
          ? 8
          : 1;
  return Math.max(3, meta.channels ?? 3) * sample;
}

function toRejection(error: unknown): ImageRejectedError {
  if (error instanceof ImageRejectedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) {
    return new ImageRejectedError('InvalidImage.UnsupportedFormat', 'The data is not an image in a supported format.');
  }
  if (/^timeout/i.test(message)) {
    return new ImageRejectedError('InvalidImage.Timeout', 'Decoding the image took longer than the decode time limit.');
  }
  if (/pixel limit/i.test(message)) {
    return new ImageRejectedError('InvalidImage.TooLarge', `The image has more than ${MAX_IMAGE_PIXELS} pixels.`);
  }
  return new ImageRejectedError('InvalidImage.Corrupt', `The image could not be decoded: ${message.split('\n')[0]}`);
}
