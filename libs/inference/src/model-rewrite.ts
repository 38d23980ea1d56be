import { onnx } from 'onnx-proto';

/**
 * Exact graph rewrites applied to a model before onnxruntime loads it. Pure: bytes in, bytes out.
 *
 * PRelu with a per-channel slope `a` ([C,1,1]) is rewritten as
 *     PRelu(z) = a * z + (1 - a) * Relu(z)
 * with the two per-channel scalings expressed as BatchNormalization (mean 0, variance 1, epsilon 0), which is the
 * same function up to float rounding. Why: onnxruntime's CPU PRelu kernel is a scalar broadcast loop and cannot
 * run in the blocked NCHWc layout, so every PRelu also forces a reorder out of and back into that layout; Relu,
 * BatchNormalization (turned into a depthwise convolution) and Add all stay in NCHWc. On fr_feature.onnx
 * (MobileFaceNet, 33 PRelu) this took one embedding from 14-16 ms to 8.5-9 ms of CPU here; see
 * libs/inference/README.md.
 */
export interface RewriteReport {
  preluRewritten: number;
}

export function rewriteModelForCpu(model: Uint8Array): { bytes: Uint8Array; report: RewriteReport } {
  // Op types are plain strings in the protobuf: a model without "PRelu" anywhere is returned without decoding
  // (fr_expression alone is 28 MB; every worker thread loads every model at start).
  if (Buffer.from(model.buffer, model.byteOffset, model.byteLength).indexOf('PRelu') < 0) {
    return { bytes: model, report: { preluRewritten: 0 } };
  }
  const proto = onnx.ModelProto.decode(model);
  const graph = proto.graph;
  if (!graph) return { bytes: model, report: { preluRewritten: 0 } };
  const initializerList = (graph.initializer ??= []);
  const initializers = new Map(initializerList.map((t) => [t.name ?? '', t]));
  const nodes: onnx.INodeProto[] = [];
  let rewritten = 0;
  for (const node of graph.node ?? []) {
    const slope = node.opType === 'PRelu' ? perChannelSlope(initializers.get(node.input?.[1] ?? '')) : undefined;
    if (!slope || !node.input || !node.output) {
      nodes.push(node);
      continue;
    }
    const base = `${node.name || `prelu${rewritten}`}__nchwc`;
    const channels = slope.length;
    const constant = (suffix: string, values: Float32Array): string => {
      const name = `${base}_${suffix}`;
      initializerList.push(
        onnx.TensorProto.create({
          name,
          dims: [channels],
          dataType: onnx.TensorProto.DataType.FLOAT,
          rawData: new Uint8Array(values.buffer.slice(0)),
        }),
      );
      return name;
    };
    const ones = constant('one', new Float32Array(channels).fill(1));
    const zeros = constant('zero', new Float32Array(channels));
    const a = constant('a', slope);
    const oneMinusA = constant(
      'one_minus_a',
      slope.map((v) => 1 - v),
    );
    const epsilon = onnx.AttributeProto.create({
      name: 'epsilon',
      type: onnx.AttributeProto.AttributeType.FLOAT,
      f: 0,
    });
    const [z] = node.input;
    nodes.push(
      onnx.NodeProto.create({ opType: 'Relu', name: `${base}_relu`, input: [z], output: [`${base}_relu`] }),
      onnx.NodeProto.create({
        opType: 'BatchNormalization',
        name: `${base}_az`,
        input: [z, a, zeros, zeros, ones],
        output: [`${base}_az`],
        attribute: [epsilon],
      }),
      onnx.NodeProto.create({
        opType: 'BatchNormalization',
        name: `${base}_brelu`,
        input: [`${base}_relu`, oneMinusA, zeros, zeros, ones],
        output: [`${base}_brelu`],
        attribute: [epsilon],
      }),
      onnx.NodeProto.create({
        opType: 'Add',
        name: `${base}_sum`,
        input: [`${base}_az`, `${base}_brelu`],
        output: node.output,
      }),
    );
    rewritten++;
  }
  if (rewritten === 0) return { bytes: model, report: { preluRewritten: 0 } };
  graph.node = nodes;
  return { bytes: onnx.ModelProto.encode(proto).finish(), report: { preluRewritten: rewritten } };
}

/** The slope as a float vector when it is a constant of shape [C,1,1] (per channel), else undefined. */
function perChannelSlope(tensor: onnx.ITensorProto | undefined): Float32Array | undefined {
  if (!tensor || tensor.dataType !== onnx.TensorProto.DataType.FLOAT) return undefined;
  const dims = (tensor.dims ?? []).map(Number);
  if (dims.length !== 3 || dims[1] !== 1 || dims[2] !== 1) return undefined;
  const values =
    tensor.floatData && tensor.floatData.length > 0
      ? Float32Array.from(tensor.floatData)
      : tensor.rawData
        ? new Float32Array(Uint8Array.from(tensor.rawData).buffer)
        : undefined;
  return values && values.length === dims[0] ? values : undefined;
}
