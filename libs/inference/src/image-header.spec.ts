import { sniffDimensions } from './image-header';

describe('sniffDimensions', () => {
  it('reads PNG IHDR dimensions', () => {
    const b = Buffer.alloc(24);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    b.writeUInt32BE(40000, 16);
    b.writeUInt32BE(30001, 20);
    expect(sniffDimensions(b)).toEqual({ width: 40000, height: 30001 });
  });

  it('reads a JPEG SOF0 after other segments', () => {
    const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
    const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x02, 0x58, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(sniffDimensions(Buffer.from([0xff, 0xd8, ...app0, ...sof0]))).toEqual({ width: 600, height: 300 });
  });

  it('reads GIF dimensions and ignores other data', () => {
    expect(sniffDimensions(Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x10, 0x00, 0x20, 0x00]))).toEqual({
      width: 16,
      height: 32,
    });
    expect(sniffDimensions(Buffer.from('hello world, not an image'))).toBeUndefined();
  });
});
