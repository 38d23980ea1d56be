import { onnx } from 'onnx-proto';

/**
 * The two small ONNX models the neighbour indexes run, built in memory with onnx-proto (the ONNX protobuf schema)
 * so the library ships no model file: exact inner-product kNN, S = Gemm(Q, B^T); (V, I) = TopK(S, k), and a
 * random projection, y = x · r.
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

const { FLOAT, INT64 } = onnx.TensorProto.DataType;

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
      {
        opType: 'TopK',
        name: 'TopK_node',
        input: ['scores', 'k'],
        output: ['values', 'indices'],
        attribute: [intAttribute('axis', 1)],
      },
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
