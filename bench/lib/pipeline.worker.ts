import { parentPort, workerData } from 'node:worker_threads';
import { createFacePipeline, type InferenceOptions } from '@app/inference';
import { runTask, type WorkerTask } from './pipeline-tasks';

/** Worker-thread entry: one FacePipeline (own onnxruntime sessions) per worker. */
const pipeline = createFacePipeline(workerData as InferenceOptions);
parentPort!.on('message', (msg: { id: number; task: WorkerTask }) => {
  runTask(pipeline, msg.task).then(
    (result) => parentPort!.postMessage({ id: msg.id, result }),
    (error: unknown) =>
      parentPort!.postMessage({ id: msg.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
