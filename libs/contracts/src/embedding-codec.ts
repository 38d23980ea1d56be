/**
 * The one byte format of a face embedding in the database (figures.embedding, bytea): float32 little-endian,
 * whatever the host's byte order. The indexer encodes, the clusterer (and anything reading faces) decodes.
 */
export function encodeEmbedding(embedding: Float32Array): Buffer {
  const buffer = Buffer.allocUnsafe(embedding.length * 4);
  for (let i = 0; i < embedding.length; i++) buffer.writeFloatLE(embedding[i], i * 4);
  return buffer;
}

export function decodeEmbedding(buffer: Buffer): Float32Array {
  const out = new Float32Array(buffer.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readFloatLE(i * 4);
  return out;
}
