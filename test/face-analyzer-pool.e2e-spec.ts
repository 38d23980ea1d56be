/**
 * The indexer's FaceAnalyzer on worker threads (piscina, real models in each thread) must give what the
 * in-thread pipeline gives, refuse bad images with the same IMM error, and run images on several threads.
 */
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FaceAnalyzer, FaceAnalyzerPool, FacePipeline, ImageRejectedError, InferenceModule } from '@app/inference';

jest.setTimeout(180_000);

const DEMO = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const OPTIONS = { intraOpThreads: 1, interOpThreads: 1, allowSpinning: false };

describe('FaceAnalyzerPool (worker threads, real models)', () => {
  let pooled: FaceAnalyzer;
  let local: FacePipeline;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const pooledRef = await Test.createTestingModule({ imports: [InferenceModule.register(OPTIONS, 2)] }).compile();
    await pooledRef.init();
    closers.push(() => pooledRef.close());
    pooled = pooledRef.get(FaceAnalyzer);
    const localRef = await Test.createTestingModule({ imports: [InferenceModule.register(OPTIONS, 0)] }).compile();
    await localRef.init();
    closers.push(() => localRef.close());
    local = localRef.get(FacePipeline);
  });

  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('is a pool of the configured size, and the in-thread variant is the pipeline itself', () => {
    expect(pooled).toBeInstanceOf(FaceAnalyzerPool);
    expect((pooled as FaceAnalyzerPool).threads).toBe(2);
    expect((pooled as FaceAnalyzerPool).liveThreads).toBe(2);
    expect(local).toBeInstanceOf(FaceAnalyzer);
  });

  it('returns the same faces, embeddings and Buffer thumbnails as the in-thread pipeline', async () => {
    const photo = readFileSync(join(DEMO, 'sample6.jpg'));
    const [a, b] = await Promise.all([pooled.analyze(photo), local.analyze(photo)]);
    expect(a.faces).toHaveLength(4);
    expect(a.faces).toHaveLength(b.faces.length);
    expect([a.width, a.height, a.format]).toEqual([b.width, b.height, b.format]);
    for (let i = 0; i < a.faces.length; i++) {
      expect(a.faces[i].boundary).toEqual(b.faces[i].boundary);
      expect(a.faces[i].embedding).toBeInstanceOf(Float32Array);
      const cos = a.faces[i].embedding.reduce((s, v, k) => s + v * b.faces[i].embedding[k], 0);
      expect(cos).toBeGreaterThan(0.9999);
      expect(a.faces[i].age).toBe(b.faces[i].age);
      expect(a.faces[i].isHD).toBe(b.faces[i].isHD);
      expect(Buffer.isBuffer(a.faces[i].thumbnail)).toBe(true);
      expect(a.faces[i].thumbnail!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }
  });

  it('refuses a truncated JPEG with the same IMM error as in-thread, and keeps working', async () => {
    const photo = readFileSync(join(DEMO, 'sample3.jpg'));
    const truncated = photo.subarray(0, Math.floor(photo.length / 3));
    const errorOf = (p: Promise<unknown>): Promise<unknown> =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      );
    // One after the other: libvips keeps one error buffer per process, so decoders failing at the same moment on
    // two threads can read each other's (or an empty) message. The code is what callers act on.
    const pooledError = await errorOf(pooled.analyze(truncated));
    const localError = await errorOf(local.analyze(truncated));
    expect(pooledError).toBeInstanceOf(ImageRejectedError);
    expect(localError).toBeInstanceOf(ImageRejectedError);
    expect((pooledError as ImageRejectedError).code).toBe((localError as ImageRejectedError).code);
    expect((pooledError as ImageRejectedError).message).toMatch(/^The image could not be decoded/);
    const empty = await errorOf(pooled.analyze(Buffer.alloc(0)));
    expect((empty as ImageRejectedError).code).toBe('InvalidImage.Empty');
    expect((await pooled.analyze(photo, { attributes: [], thumbnails: false })).faces).toHaveLength(3);
  });

  it('works on several images at once across its threads', async () => {
    const photos = [1, 2, 3, 4, 5, 6].map((n) => readFileSync(join(DEMO, `sample${n}.jpg`)));
    const results = await Promise.all(photos.map((p) => pooled.analyze(p, { attributes: [], thumbnails: false })));
    const serial = [];
    for (const p of photos) serial.push(await local.analyze(p, { attributes: [], thumbnails: false }));
    expect(results.map((r) => r.faces.length)).toEqual(serial.map((r) => r.faces.length));
    expect(results.reduce((s, r) => s + r.faces.length, 0)).toBeGreaterThanOrEqual(7);
  });
});
