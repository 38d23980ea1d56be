/**
 * Indexing throughput of the face pipeline.
 *   npm run bench:index -- [--lfw-images 200] [--large-images 6] [--workers 1,2] (0 = in-process)
 * LFW-size photos (250x250, ~1 face) and 12 MP photos (4000x3000, multi-face photos upscaled), each with
 * (a) detect+landmarks+embed, (b) + pose, age, gender, (c) everything (+ emotion, eyes, thumbnails); each
 * runs through the indexer's FaceAnalyzerPool with 1 and 2 worker threads (0 = the pipeline on the main thread).
 * Throughput is wall-clock and per CPU-second (the machine is shared).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createFacePipeline,
  FaceAnalyzerPool,
  resolveInferenceOptions,
  type AnalyzeOptions,
  type FaceAnalyzer,
  type FaceAttributeName,
  type ImageAnalysis,
  type StageTimings,
} from '@app/inference';
import { datasetsRoot, numberArg, parseArgs } from './lib/args';
import { listImages } from './lib/embed-dataset';
import { imagesIn, upscaledPhoto } from './lib/synthetic-photos';

const MODES: { name: string; attributes: FaceAttributeName[]; thumbnails: boolean }[] = [
  { name: 'detect+landmarks+embed', attributes: [], thumbnails: false },
  { name: '+pose+age+gender', attributes: ['pose', 'age', 'gender'], thumbnails: false },
  { name: 'all attributes+thumbnail', attributes: ['pose', 'age', 'gender', 'emotion', 'eyes'], thumbnails: true },
];

interface RunResult {
  set: string;
  mode: string;
  workers: number;
  images: number;
  faces: number;
  seconds: number;
  cpuSeconds: number;
  imagesPerSecond: number;
  facesPerSecond: number;
  facesPerCpuSecond: number;
  msPerImage: Partial<Record<keyof StageTimings, number>>;
}

async function run(set: string, buffers: Buffer[], workers: number, mode: (typeof MODES)[number]): Promise<RunResult> {
  // The indexer's own analyzer: its worker-thread pool (what INDEXER_INFERENCE_WORKERS sets), or the pipeline on
  // this thread for workers = 0.
  const inference = { intraOpThreads: 1, interOpThreads: 1, allowSpinning: false };
  const pool = workers > 0 ? new FaceAnalyzerPool(resolveInferenceOptions(inference), workers) : undefined;
  await pool?.onModuleInit();
  const analyzer: FaceAnalyzer = pool ?? createFacePipeline(inference);
  const options: AnalyzeOptions = { attributes: mode.attributes, thumbnails: mode.thumbnails };
  try {
    // Warm-up: load sessions in every worker, JIT the JS.
    await Promise.all(
      Array.from({ length: Math.max(1, workers) * 2 }, (_, i) =>
        analyzer.analyze(buffers[i % buffers.length], options),
      ),
    );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // In-thread: one image at a time; pooled: all queued, each thread takes the next when idle.
    const results: ImageAnalysis[] = [];
    if (pool === undefined) for (const buffer of buffers) results.push(await analyzer.analyze(buffer, options));
    else results.push(...(await Promise.all(buffers.map((buffer) => analyzer.analyze(buffer, options)))));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const faces = results.reduce((s, r) => s + r.faces.length, 0);
    const msPerImage: Partial<Record<keyof StageTimings, number>> = {};
    for (const key of Object.keys(results[0].timings) as (keyof StageTimings)[]) {
      const v = results.reduce((s, r) => s + r.timings[key], 0) / results.length;
      if (v > 0) msPerImage[key] = +v.toFixed(2);
    }
    return {
      set,
      mode: mode.name,
      workers,
      images: buffers.length,
      faces,
      seconds: +seconds.toFixed(2),
      cpuSeconds: +cpuSeconds.toFixed(2),
      imagesPerSecond: +(buffers.length / seconds).toFixed(1),
      facesPerSecond: +(faces / seconds).toFixed(1),
      facesPerCpuSecond: +(faces / cpuSeconds).toFixed(1),
      msPerImage,
    };
  } finally {
    await pool?.onModuleDestroy();
  }
}

async function main(): Promise<void> {
  const args = parseArgs();
  const lfwDir = args.get('dataset') ?? join(datasetsRoot(), 'lfw-dev');
  const lfwFiles = listImages(lfwDir)
    .filter((_, i) => i % 7 === 0)
    .slice(0, numberArg(args, 'lfw-images', 200));
  const lfw = lfwFiles.map((f) => readFileSync(join(lfwDir, f)));
  const sources = imagesIn(join(datasetsRoot(), 'misc', 'multiface')).slice(0, numberArg(args, 'large-images', 6));
  const large = await Promise.all(sources.map((p) => upscaledPhoto(p)));
  const workerCounts = (args.get('workers') ?? '1,2').split(',').map(Number);
  console.log(
    `LFW-size: ${lfw.length} images; 12 MP: ${large.length} images (avg ${(large.reduce((s, b) => s + b.length, 0) / large.length / 1e6).toFixed(1)} MB JPEG)`,
  );
  console.log(`workers "0" = in-process (one pipeline on the main thread); intra-op threads 1, spinning off`);

  const all: RunResult[] = [];
  for (const [set, buffers, modes] of [
    ['lfw-250x250', lfw, MODES],
    ['12MP-4000x3000', large, [MODES[0], MODES[2]]],
  ] as const) {
    if (buffers.length === 0) continue;
    for (const mode of modes) {
      for (const workers of workerCounts) {
        const r = await run(set, buffers as Buffer[], workers, mode);
        all.push(r);
        console.log(
          `${set.padEnd(15)} ${mode.name.padEnd(25)} workers=${workers}: ${r.imagesPerSecond} img/s, ${r.facesPerSecond} faces/s wall, ${r.facesPerCpuSecond} faces per CPU-s; ms/image ${JSON.stringify(r.msPerImage)}`,
        );
      }
    }
  }
  console.log(JSON.stringify(all));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
