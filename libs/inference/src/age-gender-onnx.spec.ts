import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { faceApiModelDir } from './inference.repository';
import { buildAgeGenderOnnx, decodeTfjsWeights, type TfjsWeightSpec } from './age-gender-onnx';

describe('decodeTfjsWeights', () => {
  it('reads float32 and uint8-quantised weights in manifest order', () => {
    const specs: TfjsWeightSpec[] = [
      { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'f', shape: [2], dtype: 'float32' },
    ];
    const floats = new Float32Array([1.25, -3]);
    const data = new Uint8Array([0, 2, 255, ...new Uint8Array(floats.buffer)]);
    const w = decodeTfjsWeights(specs, data);
    expect([...w.get('q')!]).toEqual([-1, 0, 126.5]);
    expect([...w.get('f')!]).toEqual([1.25, -3]);
    expect(() => decodeTfjsWeights(specs, new Uint8Array([...data, 0]))).toThrow(/left over/);
  });
});

describe('buildAgeGenderOnnx', () => {
  it('fails naming the missing weight', () => {
    expect(() => buildAgeGenderOnnx([], new Uint8Array(0))).toThrow(/entry_flow\/conv_in\/filters missing/);
  });

  it('builds the TinyXception graph from the shipped weights', () => {
    const dir = faceApiModelDir();
    const manifest = JSON.parse(readFileSync(join(dir, 'age_gender_model-weights_manifest.json'), 'utf8')) as {
      weights: TfjsWeightSpec[];
    }[];
    const model = onnx.ModelProto.decode(
      buildAgeGenderOnnx(manifest[0].weights, readFileSync(join(dir, 'age_gender_model.bin'))),
    );
    const ops = (model.graph?.node ?? []).map((n) => n.opType);
    // conv_in + 3 reductions x (2 separable x 2 + expansion) + 2 main x 3 separable x 2 + exit separable x 2
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(1 + 3 * 5 + 2 * 6 + 2);
    expect(ops.filter((o) => o === 'MaxPool')).toHaveLength(3);
    expect((model.graph?.output ?? []).map((o) => o.name)).toEqual(['age', 'gender', 'gender_logits']);
  });
});
