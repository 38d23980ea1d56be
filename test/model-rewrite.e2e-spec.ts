/**
 * The CPU graph rewrite (PRelu -> Relu + per-channel BatchNormalization + Add) must compute the same function as
 * the shipped model: both are loaded through InferenceRepository and run on the same inputs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onnx } from 'onnx-proto';
import sharp from 'sharp';
import { defaultModelDir, InferenceRepository, resolveInferenceOptions, rewriteModelForCpu } from '@app/inference';

const opsOf = (bytes: Uint8Array): string[] =>
  (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType ?? '');

describe('rewriteModelForCpu', () => {
  const original = readFileSync(join(defaultModelDir(), 'fr_feature.onnx'));

  it('replaces every per-channel PRelu of the embedding model and leaves other nodes alone', () => {
    const { bytes, report } = rewriteModelForCpu(original);
    const before = opsOf(original);
    const after = opsOf(bytes);
    const count = (ops: string[], op: string): number => ops.filter((o) => o === op).length;
    expect(count(before, 'PRelu')).toBeGreaterThan(0);
    expect(report.preluRewritten).toBe(count(before, 'PRelu'));
    expect(count(after, 'PRelu')).toBe(0);
    expect(count(after, 'Conv')).toBe(count(before, 'Conv'));
    expect(count(after, 'BatchNormalization')).toBe(2 * report.preluRewritten);
  });

  it('leaves a model without PRelu byte for byte unchanged', () => {
    const detector = readFileSync(join(defaultModelDir(), 'fr_detect.onnx'));
    const { bytes, report } = rewriteModelForCpu(detector);
    expect(report.preluRewritten).toBe(0);
    expect(bytes).toBe(detector);
  });

  it('gives the same embeddings as the shipped model on a real face', async () => {
    const options = { intraOpThreads: 1, interOpThreads: 1, allowSpinning: false };
    const shipped = new InferenceRepository(resolveInferenceOptions({ ...options, rewriteModels: false }));
    const rewritten = new InferenceRepository(resolveInferenceOptions({ ...options, rewriteModels: true }));
    const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
    const rgb = await sharp(join(demo, 'sample1.jpg'))
      .resize(112, 112, { fit: 'cover' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const inputs = [rgb, Buffer.from(rgb.map((v) => 255 - v))].map((img) => {
      const x = new Float32Array(3 * 112 * 112);
      for (let i = 0; i < 112 * 112; i++)
        for (let c = 0; c < 3; c++) x[c * 112 * 112 + i] = (img[i * 3 + c] - 127) / 128;
      return x;
    });
    try {
      for (const x of inputs) {
        const a = (await shipped.run('feature', x)).output;
        const b = (await rewritten.run('feature', x)).output;
        let dot = 0;
        let na = 0;
        let nb = 0;
        let maxDiff = 0;
        for (let i = 0; i < a.length; i++) {
          dot += a[i] * b[i];
          na += a[i] * a[i];
          nb += b[i] * b[i];
          maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        expect(a).toHaveLength(512);
        expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.99999);
        expect(maxDiff).toBeLessThan(1e-3 * Math.sqrt(na / a.length) + 1e-5);
      }
    } finally {
      await shipped.onModuleDestroy();
      await rewritten.onModuleDestroy();
    }
  });
});
