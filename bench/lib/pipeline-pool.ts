import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createFacePipeline, type FacePipeline, type InferenceOptions } from '@app/inference';
import { runTask, type WorkerResult, type WorkerTask } from './pipeline-tasks';

/**
 * Runs pipeline tasks on N worker threads (each with its own onnxruntime sessions), or in-process when
 * N = 0. Tasks are queued and handed to the first idle worker.
 */
export class PipelinePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: WorkerTask; resolve: (r: WorkerResult) => void; reject: (e: Error) => void }[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerResult) => void; reject: (e: Error) => void; worker: Worker }
  >();
  private nextId = 0;
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
    // Workers load TypeScript through ts-node (transpile only) with the repo's path aliases.
    const bootstrap = `
      require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(join(__dirname, '..', '..', 'tsconfig.json'))} });
      require('tsconfig-paths/register');
      require(${JSON.stringify(join(__dirname, 'pipeline.worker.ts'))});`;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(bootstrap, { eval: true, workerData: options });
      worker.on('message', (msg: { id: number; result?: WorkerResult; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result!);
        this.idle.push(worker);
        this.pump();
      });
      worker.on('error', (error) => {
        for (const [id, p] of this.pending) {
          if (p.worker === worker) {
            this.pending.delete(id);
            p.reject(error);
          }
        }
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: WorkerTask): Promise<WorkerResult> {
    if (this.local) {
      // In-process: one image at a time, like one worker.
      const local = this.local;
      const result = this.localTail.then(() => runTask(local, task));
      this.localTail = result.catch(() => undefined);
      return result;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve: job.resolve, reject: job.reject, worker });
      worker.postMessage({ id, task: job.task });
    }
  }
}
