import { DomainError, encodeEmbedding as embeddingToBuffer, ResourceNotFoundError } from '@app/contracts';
import { ImageRejectedError } from '@app/inference';
import { ObjectNotFoundError, ObjectTooLargeError } from '@app/storage';
import { isPermanentFailure } from './index-file.service';

describe('index-file helpers', () => {
  it('stores embeddings as little-endian float32 bytes', () => {
    const embedding = Float32Array.from([1, -0.5, 0.25, 3.5e-8]);
    const buffer = embeddingToBuffer(embedding);
    expect(buffer.length).toBe(16);
    expect([0, 1, 2, 3].map((i) => buffer.readFloatLE(i * 4))).toEqual(Array.from(embedding));
  });

  it('tells failures retrying cannot fix from transient ones', () => {
    expect(isPermanentFailure(new ObjectNotFoundError('b', 'k'))).toBe(true);
    expect(isPermanentFailure(new ObjectTooLargeError('b', 'k', 10, 5))).toBe(true);
    expect(isPermanentFailure(new ImageRejectedError('InvalidImage.Corrupt', 'bad'))).toBe(true);
    expect(isPermanentFailure(new ResourceNotFoundError('gone'))).toBe(true);
    expect(isPermanentFailure(new DomainError('ServiceUnavailable', 'later'))).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
