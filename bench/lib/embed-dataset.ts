import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { cpus } from 'node:os';
import type { InferenceOptions } from '@app/inference';
import { REPO_ROOT } from './args';
import type { DatasetFace } from './central-face';
import { PipelinePool } from './pipeline-pool';

export type { DatasetFace } from './central-face';

export interface EmbedDatasetOptions {
  /** Relative paths to embed (default: every .jpg/.jpeg/.png under `dir`). */
  files?: readonly string[];
  /** Worker threads (default: number of CPUs); 0 = in-process. */
  workers?: number;
  /** Cache folder (default <repo>/.cache/embeddings); `false` disables the cache. */
  cacheDir?: string | false;
  /** Pipeline options for the workers. */
  inference?: InferenceOptions;
  onProgress?: (done: number, total: number) => void;
}

const DEFAULT_INFERENCE: InferenceOptions = { intraOpThreads: 1, interOpThreads: 1, allowSpinning: false };

export function listImages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(jpe?g|png|webp)$/i.test(name)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Hash of the pipeline's source: a changed pipeline never reuses stale embeddings. */
function pipelineVersion(): string {
  const h = createHash('sha1');
  const dirs = [join(REPO_ROOT, 'libs', 'inference', 'src'), __dirname];
  for (const d of dirs) {
    for (const f of readdirSync(d)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .sort()) {
      h.update(f).update(readFileSync(join(d, f)));
    }
  }
  return h.digest('hex').slice(0, 12);
}

interface CachedFace extends Omit<DatasetFace, 'embedding'> {
  embedding: string;
}

/**
 * Embeds the central face of every photo in `dir` (person folders, LFW layout) through the project's own
 * pipeline, with a JSON cache in .cache/embeddings keyed by relative path and pipeline source hash.
 * Returns relPath -> DatasetFace (`detected: false` marks the fallback embedding of the image centre).
 */
export async function embedDataset(dir: string, options: EmbedDatasetOptions = {}): Promise<Map<string, DatasetFace>> {
  const root = resolve(dir);
  const files = options.files ?? listImages(root);
  const cacheDir =
    options.cacheDir === false ? undefined : (options.cacheDir ?? join(REPO_ROOT, '.cache', 'embeddings'));
  const inference = options.inference ?? DEFAULT_INFERENCE;
  // Key: dataset folder + pipeline source + options that change the output (threads and spinning do not).
  const { intraOpThreads: _i, interOpThreads: _o, allowSpinning: _s, ...outputOptions } = inference;
  const key = createHash('sha1').update(root).update(JSON.stringify(outputOptions)).digest('hex').slice(0, 10);
  const cacheFile = cacheDir ? join(cacheDir, `${key}-${pipelineVersion()}.json`) : undefined;
  const cached: Record<string, CachedFace> =
    cacheFile && existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const result = new Map<string, DatasetFace>();
  const todo: string[] = [];
  for (const f of files) {
    const c = cached[f];
    if (c) {
      const buf = Buffer.from(c.embedding, 'base64');
      result.set(f, { ...c, embedding: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice() });
    } else todo.push(f);
  }
  if (todo.length) {
    const pool = new PipelinePool(options.workers ?? cpus().length, inference);
    let done = files.length - todo.length;
    try {
      await Promise.all(
        todo.map(async (f) => {
          let face: DatasetFace;
          try {
            face = (await pool.run({ kind: 'central', path: join(root, f) })) as DatasetFace;
          } catch (error) {
            console.warn(`embedDataset: ${f}: ${error instanceof Error ? error.message : String(error)}`);
            return;
          }
          const embedding = new Float32Array(face.embedding);
          result.set(f, { ...face, embedding });
          cached[f] = {
            ...face,
            embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('base64'),
          };
          options.onProgress?.(++done, files.length);
        }),
      );
    } finally {
      await pool.close();
      if (cacheFile) {
        mkdirSync(cacheDir!, { recursive: true });
        writeFileSync(cacheFile, JSON.stringify(cached));
      }
    }
  }
  return result;
}
