import { join } from 'node:path';
import type { Piscina } from 'piscina';
import { createFacePipeline, fixedWorkerPool, type FacePipeline, type InferenceOptions } from '@app/inference';
import { runTask, type WorkerResult, type WorkerTask } from './pipeline-tasks';

/**
 * Runs benchmark tasks on N piscina worker threads (each with its own onnxruntime sessions, see
 * pipeline.worker.ts), or in-process one at a time when N = 0.
 */
export class PipelinePool {
  private readonly pool?: Piscina<WorkerTask, WorkerResult>;
  private local?: FacePipeline;
  private localTail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly size: number,
    options: InferenceOptions,
  ) {
    if (size === 0) {
      this.local = createFacePipeline(options);
      return;
    }
    this.pool = fixedWorkerPool<WorkerTask, WorkerResult>(join(__dirname, 'pipeline.worker'), size, { options });
  }

  run(task: WorkerTask): Promise<WorkerResult> {
    if (this.pool) return this.pool.run(task);
    // In-process: one image at a time, like one worker.
    const local = this.local!;
    const result = this.localTail.then(() => runTask(local, task));
    this.localTail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
