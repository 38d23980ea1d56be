import { readFileSync } from 'node:fs';
import type { AnalyzeOptions, FacePipeline, StageTimings } from '@app/inference';
import { embedCentralFace, type DatasetFace } from './central-face';

/** Work a benchmark can hand to a pipeline, in-process or in a worker thread. */
export type WorkerTask =
  { kind: 'central'; path: string } | { kind: 'analyze'; path?: string; buffer?: Uint8Array; options?: AnalyzeOptions };

export interface AnalyzeSummary {
  width: number;
  height: number;
  timings: StageTimings;
  faces: { boundary: { left: number; top: number; width: number; height: number }; figureConfidence: number }[];
  rejected: number;
}

export type WorkerResult = DatasetFace | AnalyzeSummary;

export async function runTask(pipeline: FacePipeline, task: WorkerTask): Promise<WorkerResult> {
  const buffer =
    task.kind === 'analyze' && task.buffer
      ? Buffer.from(task.buffer.buffer, task.buffer.byteOffset, task.buffer.byteLength)
      : readFileSync(task.path!);
  if (task.kind === 'central') return embedCentralFace(pipeline, buffer);
  const r = await pipeline.analyzeWithDiagnostics(buffer, task.options);
  return {
    width: r.width,
    height: r.height,
    timings: r.timings,
    faces: r.faces.map((f) => ({ boundary: f.boundary, figureConfidence: f.figureConfidence })),
    rejected: r.rejected.length,
  };
}
