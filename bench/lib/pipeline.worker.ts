import { workerData } from 'piscina';
import { createFacePipeline, type InferenceOptions } from '@app/inference';
import { runTask, type WorkerResult, type WorkerTask } from './pipeline-tasks';

/** Worker-thread module of PipelinePool: one FacePipeline (own onnxruntime sessions) per thread. */
const pipeline = createFacePipeline((workerData as { options: InferenceOptions }).options);

export default function handle(task: WorkerTask): Promise<WorkerResult> {
  return runTask(pipeline, task);
}
