import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { ImageRejectedError } from './image-rejected.error';
import { ImageRepository } from './image.repository';

/** A PNG declaring `width` x `height` 8-bit RGB whose IDAT holds `idatBytes` of deflated zero rows (a bomb). */
function bombPng(width: number, height: number, idatBytes: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length, 0);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])), 0);
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  // Zero bytes deflate about 1000:1: enough rows to fill idatBytes.
  const idat = deflateSync(Buffer.alloc(idatBytes * 1000), { level: 9 }).subarray(0, idatBytes);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

async function rejection(promise: Promise<unknown>): Promise<ImageRejectedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageRejectedError);
  return error as ImageRejectedError;
}

describe('ImageRepository decode budget', () => {
  it('refuses a 29 KB PNG declaring 30000x8000 from its header, in well under a second', async () => {
    const png = bombPng(30_000, 8_000, 29_000);
    expect(png.length).toBeGreaterThan(28_000);
    expect(png.length).toBeLessThan(30_000);
    const images = new ImageRepository({ maxDecodeBytes: 300_000_000, decodeTimeoutSeconds: 20 });
    const started = performance.now();
    const error = await rejection(images.inspect(png));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('InvalidImage.TooLarge');
    expect(error.message).toContain('30000x8000');
    expect(error.message).toContain('decode budget');
    expect(elapsed).toBeLessThan(500);
  });

  it('counts bytes per pixel: a 16-bit RGBA image costs 8 bytes a pixel', async () => {
    const rgba16 = await sharp({ create: { width: 100, height: 100, channels: 4, background: '#808080' } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect(
      (await new ImageRepository({ maxDecodeBytes: 80_000, decodeTimeoutSeconds: 20 }).inspect(rgba16)).width,
    ).toBe(100);
    const error = await rejection(
      new ImageRepository({ maxDecodeBytes: 79_999, decodeTimeoutSeconds: 20 }).inspect(rgba16),
    );
    expect(error.code).toBe('InvalidImage.TooLarge');
  });

  it('keeps images within the budget', async () => {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const images = new ImageRepository({ maxDecodeBytes: 640 * 480 * 3, decodeTimeoutSeconds: 20 });
    const info = await images.inspect(jpeg);
    expect(info).toEqual({ width: 640, height: 480, format: 'jpeg' });
    expect((await images.decode(jpeg, info, 64, 48)).data.length).toBe(64 * 48 * 3);
  });
});
