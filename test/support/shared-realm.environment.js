// Jest runs each test file in a vm context with its own globals. onnxruntime-node hands back tensors whose
// typed arrays belong to the main Node realm, and onnxruntime-common checks `data instanceof Float32Array`
// against the sandbox's constructor, so feeding one model's output to the next fails inside Jest only
// ("A float32 tensor's data must be type of function Float32Array()"). This environment gives the sandbox
// the main realm's typed-array constructors. jest.config.js makes it the integration project's environment.
const { TestEnvironment } = require('jest-environment-node');

const shared = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SharedRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of shared) {
      if (typeof globalThis[name] === 'function') this.global[name] = globalThis[name];
    }
  }
}

module.exports = SharedRealmEnvironment;
