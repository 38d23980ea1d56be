/**
 * The clustering library's kNN specs once more, where onnxruntime-node really runs. In the unit project Jest's
 * sandbox has its own typed-array classes, onnxruntime refuses them with a TypeError and the library falls back to
 * plain JS, so there those specs check the JS paths only. The integration environment shares the main realm's typed
 * arrays (test/support/shared-realm.environment.js): importing the specs registers the same tests here, and they now
 * run the onnxruntime graphs (MatMul + TopK, the 8-bit MatMulInteger + TopK shortlist, the projection and the
 * gathered re-ranking). The last test proves that nothing fell back to JS on the way.
 */
import * as ort from 'onnxruntime-node';
import { isOnnxRuntimeAvailable } from '@app/clustering';

const sessions = jest.spyOn(ort.InferenceSession, 'create');

import '../libs/clustering/src/neighbour-index.spec';
import '../libs/clustering/src/vector-index.spec';
import '../libs/clustering/src/clustering-index.spec';

describe('clustering kNN through onnxruntime', () => {
  it('ran the specs above on onnxruntime without falling back to plain JS', () => {
    expect(sessions).toHaveBeenCalled();
    expect(isOnnxRuntimeAvailable()).toBe(true);
  });
});
