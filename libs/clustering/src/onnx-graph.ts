import { onnx } from 'onnx-proto';

/**
 * The two small ONNX models the neighbour indexes run, built in memory with onnx-proto (the ONNX protobuf schema)
 * so the library ships no model file: exact inner-product kNN, S = Gemm(Q, B^T); (V, I) = TopK(S, k), its
 * 8-bit version, S = MatMulInteger(Q - 128, B^T); (V, I) = TopK(S, k), exact scores of shortlisted rows,
 * s = Gather(B, I) · q, and a random projection, y = x · r.
 */

type Dim = number | string;

function valueInfo(name: string, elemType: onnx.TensorProto.DataType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function intAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function encodeModel(graph: onnx.IGraphProto): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'facecluster',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

const { FLOAT, INT8, INT32, INT64, UINT8 } = onnx.TensorProto.DataType;

/** (values, indices) = TopK(scores, k) along each row: the last node of both kNN graphs. */
const TOP_K_NODE: onnx.INodeProto = {
  opType: 'TopK',
  name: 'TopK_node',
  input: ['scores', 'k'],
  output: ['values', 'indices'],
  attribute: [intAttribute('axis', 1)],
};

/**
 * Inputs: `queries` float[nq, dim], `base` float[n, dim], `k` int64[1].
 * Outputs: `values` float[nq, k] (inner products, descending), `indices` int64[nq, k].
 */
export function buildTopKGraph(dim: number): Uint8Array {
  return encodeModel({
    name: 'knn_topk',
    node: [
      {
        opType: 'Gemm',
        name: 'Gemm_node',
        input: ['queries', 'base'],
        output: ['scores'],
        attribute: [intAttribute('transB', 1)],
      },
      TOP_K_NODE,
    ],
    input: [valueInfo('queries', FLOAT, ['nq', dim]), valueInfo('base', FLOAT, ['n', dim]), valueInfo('k', INT64, [1])],
    output: [valueInfo('values', FLOAT, ['nq', 'kk']), valueInfo('indices', INT64, ['nq', 'kk'])],
  });
}

/** Inputs: `x` float[n, dim], `r` float[dim, out]. Output: `y` float[n, out] = x · r (random projection). */
export function buildProjectionGraph(dim: number, out: number): Uint8Array {
  return encodeModel({
    name: 'projection',
    node: [{ opType: 'MatMul', name: 'MatMul_node', input: ['x', 'r'], output: ['y'] }],
    input: [valueInfo('x', FLOAT, ['n', dim]), valueInfo('r', FLOAT, [dim, out])],
    output: [valueInfo('y', FLOAT, ['n', out])],
  });
}

/**
 * Inputs: `queries` uint8[nq, dim] (zero point 128), `baseT` int8[dim, n] (the base transposed), `k` int64[1].
 * Outputs: `values` int32[nq, k] (integer inner products, descending), `indices` int64[nq, k]. onnxruntime runs
 * MatMulInteger on the CPU's 8-bit dot-product instructions (AVX-512 VNNI / AVX-VNNI where present).
 */
export function buildQuantizedTopKGraph(dim: number): Uint8Array {
  return encodeModel({
    name: 'knn_topk_u8s8',
    node: [
      { opType: 'MatMulInteger', name: 'MatMulInteger_node', input: ['queries', 'baseT', 'zero'], output: ['scores'] },
      TOP_K_NODE,
    ],
    initializer: [{ name: 'zero', dims: [], dataType: UINT8, rawData: Uint8Array.of(128) }],
    input: [valueInfo('queries', UINT8, ['nq', dim]), valueInfo('baseT', INT8, [dim, 'n']), valueInfo('k', INT64, [1])],
    output: [valueInfo('values', INT32, ['nq', 'kk']), valueInfo('indices', INT64, ['nq', 'kk'])],
  });
}

/**
 * Inputs: `base` float[n, dim], `rows` int32[nq, s] (row numbers; negative ones count from the end, as in Gather),
 * `queries` float[nq, dim, 1]. Output: `scores` float[nq, s, 1], the inner product of each query with its rows.
 */
export function buildGatherDotGraph(dim: number): Uint8Array {
  return encodeModel({
    name: 'gather_dot',
    node: [
      {
        opType: 'Gather',
        name: 'Gather_node',
        input: ['base', 'rows'],
        output: ['picked'],
        attribute: [intAttribute('axis', 0)],
      },
      { opType: 'MatMul', name: 'MatMul_node', input: ['picked', 'queries'], output: ['scores'] },
    ],
    input: [
      valueInfo('base', FLOAT, ['n', dim]),
      valueInfo('rows', INT32, ['nq', 's']),
      valueInfo('queries', FLOAT, ['nq', dim, 1]),
    ],
    output: [valueInfo('scores', FLOAT, ['nq', 's', 1])],
  });
}
