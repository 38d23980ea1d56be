import { decodeEmbedding, encodeEmbedding } from './embedding-codec';

describe('embedding codec', () => {
  it('round-trips float32 values through little-endian bytes', () => {
    const embedding = Float32Array.from([1, -0.5, 0.25, 3.5e-8]);
    const buffer = encodeEmbedding(embedding);
    expect([...buffer.subarray(0, 4)]).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(Array.from(decodeEmbedding(buffer))).toEqual(Array.from(embedding));
  });
});
