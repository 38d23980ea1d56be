/**
 * Hand-encoded ONNX model (protobuf) for exact inner-product kNN: S = Gemm(Q, B^T); (V, I) = TopK(S, k).
 * Built in memory so the library needs no model file and no protobuf dependency.
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 127) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function key(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

function bytesField(field: number, payload: number[]): number[] {
  return [...key(field, 2), ...varint(payload.length), ...payload];
}

function stringField(field: number, value: string): number[] {
  return bytesField(field, Array.from(Buffer.from(value, 'utf8')));
}

function intField(field: number, value: number): number[] {
  return [...key(field, 0), ...varint(value)];
}

const FLOAT = 1;
const INT64 = 7;

function valueInfo(name: string, elemType: number, dims: Array<number | string>): number[] {
  const dimBytes = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = [...intField(1, elemType), ...bytesField(2, dimBytes)];
  const typeProto = bytesField(1, tensorType);
  return [...stringField(1, name), ...bytesField(2, typeProto)];
}

function node(opType: string, inputs: string[], outputs: string[], attributes: number[][] = []): number[] {
  return [
    ...inputs.flatMap((i) => stringField(1, i)),
    ...outputs.flatMap((o) => stringField(2, o)),
    ...stringField(3, `${opType}_node`),
    ...stringField(4, opType),
    ...attributes.flatMap((a) => bytesField(5, a)),
  ];
}

function intAttribute(name: string, value: number): number[] {
  const INT = 2;
  return [...stringField(1, name), ...intField(3, value), ...intField(20, INT)];
}

/**
 * Inputs: `queries` float[nq, dim], `base` float[n, dim], `k` int64[1].
 * Outputs: `values` float[nq, k] (inner products, descending), `indices` int64[nq, k].
 */
export function buildTopKGraph(dim: number): Uint8Array {
  const graph = [
    ...bytesField(1, node('Gemm', ['queries', 'base'], ['scores'], [intAttribute('transB', 1)])),
    ...bytesField(1, node('TopK', ['scores', 'k'], ['values', 'indices'], [intAttribute('axis', 1)])),
    ...stringField(2, 'knn_topk'),
    ...bytesField(11, valueInfo('queries', FLOAT, ['nq', dim])),
    ...bytesField(11, valueInfo('base', FLOAT, ['n', dim])),
    ...bytesField(11, valueInfo('k', INT64, [1])),
    ...bytesField(12, valueInfo('values', FLOAT, ['nq', 'kk'])),
    ...bytesField(12, valueInfo('indices', INT64, ['nq', 'kk'])),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 13)];
  const model = [...intField(1, 8), ...stringField(2, 'facecluster'), ...bytesField(7, graph), ...bytesField(8, opset)];
  return Uint8Array.from(model);
}

/** Inputs: `x` float[n, dim], `r` float[dim, out]. Output: `y` float[n, out] = x · r (random projection). */
export function buildProjectionGraph(dim: number, out: number): Uint8Array {
  const graph = [
    ...bytesField(1, node('MatMul', ['x', 'r'], ['y'])),
    ...stringField(2, 'projection'),
    ...bytesField(11, valueInfo('x', FLOAT, ['n', dim])),
    ...bytesField(11, valueInfo('r', FLOAT, [dim, out])),
    ...bytesField(12, valueInfo('y', FLOAT, ['n', out])),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 13)];
  return Uint8Array.from([
    ...intField(1, 8),
    ...stringField(2, 'facecluster'),
    ...bytesField(7, graph),
    ...bytesField(8, opset),
  ]);
}
