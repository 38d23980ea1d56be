import { onnx } from 'onnx-proto';

/**
 * face-api.js's AgeGenderNet (tfjs weights shipped by `@vladmandic/face-api`, MIT) rebuilt as an ONNX graph, so
 * it runs in onnxruntime next to the other models instead of needing a second runtime. The architecture, from
 * face-api.js's `src/xception/TinyXception.ts` and `src/ageGenderNet/AgeGenderNet.ts`:
 *
 *   x = (rgb - [122.782, 117.001, 104.298]) / 255, 112x112 (done by the caller: NORM_AGE_GENDER)
 *   entry:  relu(conv3x3/2 3->32), reduction(32->64, no input relu), reduction(64->128)
 *   middle: 2 x main block (128), residual of three relu+separable convs
 *   exit:   reduction(128->256), relu(separable 256->512)
 *   heads:  avgPool 7x7 -> 512; age = fc(512->1); gender = softmax(fc(512->2)), index 0 = male
 *
 * reduction(x) = maxPool3x3/2(sep(relu(sep(relu?(x))))) + conv1x1/2(x); every conv and pool is TensorFlow
 * 'same' padding, which is ONNX's SAME_UPPER (the extra pixel at the end). A tfjs separable conv (depthwise 3x3
 * then pointwise 1x1, one bias) becomes a grouped Conv followed by a 1x1 Conv. Weights: the manifest's order,
 * uint8-quantised ones dequantised as q * scale + min (tfjs's own rule), float32 ones as stored.
 */

/** One entry of a tfjs `weights_manifest.json` group. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

/**
 * Input of the built graph: `input` float[1, 3, 112, 112]; outputs `age` float[1, 1], `gender` float[1, 2] (softmax,
 * as face-api.js returns it) and `gender_logits` float[1, 2] (before the softmax, which saturates at 1.0 in float).
 */
export const AGE_GENDER_INPUT_SIZE = 112;

const { FLOAT } = onnx.TensorProto.DataType;

/** Reads tfjs weights (manifest entries in order over the concatenated .bin files) as float arrays by name. */
export function decodeTfjsWeights(specs: readonly TfjsWeightSpec[], data: Uint8Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') throw new Error(`tfjs weight ${spec.name}: dtype ${spec.dtype} not supported`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const q = spec.quantization;
    if (q) {
      if (q.dtype !== 'uint8') throw new Error(`tfjs weight ${spec.name}: quantisation ${q.dtype} not supported`);
      for (let i = 0; i < size; i++) values[i] = data[offset + i] * q.scale + q.min;
      offset += size;
    } else {
      for (let i = 0; i < size; i++) values[i] = view.getFloat32(offset + i * 4, true);
      offset += size * 4;
    }
    out.set(spec.name, values);
  }
  if (offset !== data.byteLength) throw new Error(`tfjs weights: ${data.byteLength - offset} bytes left over`);
  return out;
}

/** tfjs conv filter [kh, kw, cin, cout] -> ONNX [cout, cin, kh, kw]. */
function hwioToOihw(w: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = w[((y * kw + x) * cin + i) * cout + o];
  return out;
}

class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private count = 0;

  constructor(private readonly weights: Map<string, Float32Array>) {}

  weight(name: string): Float32Array {
    const w = this.weights.get(name);
    if (!w) throw new Error(`tfjs weights: ${name} missing`);
    return w;
  }

  constant(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(values.slice().buffer) });
    return name;
  }

  node(opType: string, input: string[], attribute: onnx.IAttributeProto[] = []): string {
    const output = `${opType.toLowerCase()}_${this.count++}`;
    this.nodes.push({ opType, name: output, input, output: [output], attribute });
    return output;
  }

  relu(x: string): string {
    return this.node('Relu', [x]);
  }

  /** conv with a tfjs [kh, kw, cin, cout] filter and bias, 'same' padding. */
  conv(x: string, prefix: string, k: number, cin: number, cout: number, stride: number): string {
    const w = this.constant(
      `${prefix}/filters`,
      [cout, cin, k, k],
      hwioToOihw(this.weight(`${prefix}/filters`), k, k, cin, cout),
    );
    const b = this.constant(`${prefix}/bias`, [cout], this.weight(`${prefix}/bias`));
    return this.node(
      'Conv',
      [x, w, b],
      [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), samePadding()],
    );
  }

  /** tfjs separableConv2d(depthwise 3x3 [3, 3, cin, 1], pointwise [1, 1, cin, cout], stride 1) + bias. */
  separable(x: string, prefix: string, cin: number, cout: number): string {
    const dw = this.constant(
      `${prefix}/depthwise_filter`,
      [cin, 1, 3, 3],
      hwioToOihw(this.weight(`${prefix}/depthwise_filter`), 3, 3, 1, cin),
    );
    const depthwise = this.node('Conv', [x, dw], [ints('kernel_shape', [3, 3]), int('group', cin), samePadding()]);
    const pw = this.constant(
      `${prefix}/pointwise_filter`,
      [cout, cin, 1, 1],
      hwioToOihw(this.weight(`${prefix}/pointwise_filter`), 1, 1, cin, cout),
    );
    const b = this.constant(`${prefix}/bias`, [cout], this.weight(`${prefix}/bias`));
    return this.node('Conv', [depthwise, pw, b], [ints('kernel_shape', [1, 1])]);
  }

  reduction(x: string, prefix: string, cin: number, cout: number, activateInput: boolean): string {
    let out = this.separable(activateInput ? this.relu(x) : x, `${prefix}/separable_conv0`, cin, cout);
    out = this.separable(this.relu(out), `${prefix}/separable_conv1`, cout, cout);
    out = this.node('MaxPool', [out], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), samePadding()]);
    return this.node('Add', [out, this.conv(x, `${prefix}/expansion_conv`, 1, cin, cout, 2)]);
  }

  main(x: string, prefix: string, channels: number): string {
    let out = x;
    for (let i = 0; i < 3; i++)
      out = this.separable(this.relu(out), `${prefix}/separable_conv${i}`, channels, channels);
    return this.node('Add', [out, x]);
  }

  dense(x: string, prefix: string, cin: number, cout: number): string {
    const w = this.constant(`${prefix}/weights`, [cin, cout], this.weight(`${prefix}/weights`));
    const b = this.constant(`${prefix}/bias`, [cout], this.weight(`${prefix}/bias`));
    return this.node('Gemm', [x, w, b]);
  }
}

function int(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function samePadding(): onnx.IAttributeProto {
  return {
    name: 'auto_pad',
    type: onnx.AttributeProto.AttributeType.STRING,
    s: new TextEncoder().encode('SAME_UPPER'),
  };
}

function valueInfo(name: string, dims: number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

/** Builds the AgeGenderNet ONNX model from face-api.js's tfjs weights (manifest specs + concatenated .bin). */
export function buildAgeGenderOnnx(specs: readonly TfjsWeightSpec[], data: Uint8Array): Uint8Array {
  const g = new GraphBuilder(decodeTfjsWeights(specs, data));
  let x = g.relu(g.conv('input', 'entry_flow/conv_in', 3, 3, 32, 2));
  x = g.reduction(x, 'entry_flow/reduction_block_0', 32, 64, false);
  x = g.reduction(x, 'entry_flow/reduction_block_1', 64, 128, true);
  x = g.main(x, 'middle_flow/main_block_0', 128);
  x = g.main(x, 'middle_flow/main_block_1', 128);
  x = g.reduction(x, 'exit_flow/reduction_block', 128, 256, true);
  x = g.relu(g.separable(x, 'exit_flow/separable_conv', 256, 512));
  // avgPool 7x7 stride 2 'valid' over the 7x7 map is the global average.
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [x])], [int('axis', 1)]);
  const ageOut = g.dense(pooled, 'fc/age', 512, 1);
  const genderLogits = g.dense(pooled, 'fc/gender', 512, 2);
  const genderOut = g.node('Softmax', [genderLogits], [int('axis', 1)]);
  g.nodes.push(
    { opType: 'Identity', name: 'age', input: [ageOut], output: ['age'] },
    { opType: 'Identity', name: 'gender', input: [genderOut], output: ['gender'] },
    { opType: 'Identity', name: 'gender_logits', input: [genderLogits], output: ['gender_logits'] },
  );
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'facecluster',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'face_api_age_gender',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo('input', [1, 3, AGE_GENDER_INPUT_SIZE, AGE_GENDER_INPUT_SIZE])],
      output: [valueInfo('age', [1, 1]), valueInfo('gender', [1, 2]), valueInfo('gender_logits', [1, 2])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
