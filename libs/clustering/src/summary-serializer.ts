import type { ClusterSummary } from './clustering.types';

const MAGIC = 0x31534346; // "FCS1" little-endian
const FORMAT_VERSION = 1;

/**
 * Binary layout (little-endian): magic u32, version u8, dim u32, count u32, repCount u16, imageCount u32,
 * clusterId (u16 length + UTF-8), sum f32[dim], representatives f32[repCount*dim], repCount x (quality f64,
 * faceId u16 length + UTF-8), imageHashes u32[imageCount]. About (dim * (1 + reps) * 4 + 4 * images) bytes.
 */
export function serializeSummary(summary: ClusterSummary): Buffer {
  const dim = summary.sum.length;
  const reps = summary.representativeFaceIds.length;
  const idBytes = Buffer.from(summary.clusterId, 'utf8');
  const faceIdBytes = summary.representativeFaceIds.map((id) => Buffer.from(id, 'utf8'));
  const size =
    4 +
    1 +
    4 +
    4 +
    2 +
    4 +
    2 +
    idBytes.length +
    4 * dim * (1 + reps) +
    faceIdBytes.reduce((acc, b) => acc + 8 + 2 + b.length, 0) +
    4 * summary.imageHashes.length;
  const buf = Buffer.alloc(size);
  let o = 0;
  o = buf.writeUInt32LE(MAGIC, o);
  o = buf.writeUInt8(FORMAT_VERSION, o);
  o = buf.writeUInt32LE(dim, o);
  o = buf.writeUInt32LE(summary.count, o);
  o = buf.writeUInt16LE(reps, o);
  o = buf.writeUInt32LE(summary.imageHashes.length, o);
  o = buf.writeUInt16LE(idBytes.length, o);
  o += idBytes.copy(buf, o);
  for (let i = 0; i < dim; i++) o = buf.writeFloatLE(summary.sum[i], o);
  for (let i = 0; i < reps * dim; i++) o = buf.writeFloatLE(summary.representatives[i], o);
  faceIdBytes.forEach((b, i) => {
    o = buf.writeDoubleLE(summary.representativeQualities[i], o);
    o = buf.writeUInt16LE(b.length, o);
    o += b.copy(buf, o);
  });
  for (const h of summary.imageHashes) o = buf.writeUInt32LE(h, o);
  return buf;
}

export function deserializeSummary(buf: Buffer): ClusterSummary {
  let o = 0;
  if (buf.readUInt32LE(o) !== MAGIC) throw new Error('not a cluster summary');
  o += 4;
  const version = buf.readUInt8(o);
  o += 1;
  if (version !== FORMAT_VERSION) throw new Error(`unsupported cluster summary version ${version}`);
  const dim = buf.readUInt32LE(o);
  const count = buf.readUInt32LE(o + 4);
  const reps = buf.readUInt16LE(o + 8);
  const images = buf.readUInt32LE(o + 10);
  const idLength = buf.readUInt16LE(o + 14);
  o += 16;
  const clusterId = buf.toString('utf8', o, o + idLength);
  o += idLength;
  const floats = (n: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++, o += 4) out[i] = buf.readFloatLE(o);
    return out;
  };
  const sum = floats(dim);
  const representatives = floats(reps * dim);
  const representativeFaceIds: string[] = [];
  const representativeQualities: number[] = [];
  for (let i = 0; i < reps; i++) {
    representativeQualities.push(buf.readDoubleLE(o));
    const len = buf.readUInt16LE(o + 8);
    o += 10;
    representativeFaceIds.push(buf.toString('utf8', o, o + len));
    o += len;
  }
  const imageHashes = new Uint32Array(images);
  for (let i = 0; i < images; i++, o += 4) imageHashes[i] = buf.readUInt32LE(o);
  return { clusterId, count, sum, representatives, representativeFaceIds, representativeQualities, imageHashes };
}
