import { axisVector, embeddingBuffer } from './factories';

describe('embedding helpers of the test factories', () => {
  it('stores embeddings as little-endian float32, L2-normalised unless asked not to', () => {
    const buffer = embeddingBuffer([3, 4]);
    expect(buffer).toHaveLength(8);
    expect([buffer.readFloatLE(0), buffer.readFloatLE(4)]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const raw = embeddingBuffer([3, 4], false);
    expect([raw.readFloatLE(0), raw.readFloatLE(4)]).toEqual([3, 4]);
    expect(embeddingBuffer([0, 0]).equals(Buffer.alloc(8))).toBe(true);
  });

  it('builds unit vectors along an axis', () => {
    const v = axisVector(3, 8);
    expect(Array.from(v)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    expect(axisVector()).toHaveLength(512);
  });
});
