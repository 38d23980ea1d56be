/**
 * bench:cluster over several shuffle seeds (and the two identity halves), with a summary: how the clustering's
 * quality spreads with the order in which faces arrive.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/cluster-seeds.ts \
 *     --dataset ../shared/datasets/lfw-dev [--seeds 1-10] [--halves] [--jobs 2] [any other bench:cluster option]
 *
 * Runs bench/cluster.ts once per seed in child processes (--jobs at a time), prints one line per run, then one
 * line of JSON: mean, median and lowest BCubed F over the seeds, how many reach 0.99, the lowest pairwise
 * precision, the mean number of people with one photo put in a cluster, and the halves' F (`--seed 5 --half 1|2`).
 * Reuse embeddings with `--embeddings .cache/embeddings/<file>.json` (written by a first `npm run bench:cluster`).
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from './lib/args';

interface RunMetrics {
  pairP: number;
  pairR: number;
  bcubedP: number;
  bcubedR: number;
  bcubedF: number;
  batchF: number;
  unclustered: number;
  singletonsClustered: number;
}

function runOnce(args: string[]): Promise<RunMetrics> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(resolve(__dirname, 'cluster.ts'), args, {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      stdio: ['ignore', 'pipe', 'ignore', 'ipc'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`bench/cluster.ts ${args.join(' ')} failed (${code})`));
      else resolvePromise(JSON.parse(last) as RunMetrics);
    });
  });
}

function seedList(spec: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  return spec.split(',').map(Number);
}

async function main(): Promise<void> {
  const args = parseArgs();
  const seeds = seedList(args.get('seeds') ?? '1-10');
  const jobs = Math.max(1, Number(args.get('jobs') ?? 2));
  // Every other option goes to bench/cluster.ts as given.
  const own = new Set(['seeds', 'jobs', 'halves']);
  const passThrough = [...args]
    .filter(([key]) => !own.has(key))
    .flatMap(([key, value]) => (value === 'true' ? [`--${key}`] : [`--${key}`, value]));
  const runs: Array<{ name: string; args: string[] }> = seeds.map((s) => ({
    name: `seed ${s}`,
    args: [...passThrough, '--seed', String(s)],
  }));
  if (args.has('halves'))
    for (const h of ['1', '2']) runs.push({ name: `half ${h}`, args: [...passThrough, '--seed', '5', '--half', h] });

  const results = new Array<RunMetrics>(runs.length);
  let next = 0;
  const runNext = async (): Promise<void> => {
    const i = next++;
    results[i] = await runOnce(runs[i].args);
    const r = results[i];
    console.log(
      `${runs[i].name.padEnd(8)} pairwise P ${r.pairP.toFixed(4)}  BCubed P/R/F ${r.bcubedP.toFixed(4)}/${r.bcubedR.toFixed(4)}/${r.bcubedF.toFixed(4)}  one batch ${r.batchF.toFixed(4)}  unclustered ${(100 * r.unclustered).toFixed(1)}%  one-photo people clustered ${r.singletonsClustered}`,
    );
  };
  // The first run alone: without --embeddings it embeds the photos once and writes the cache the others read.
  await runNext();
  const worker = async (): Promise<void> => {
    while (next < runs.length) await runNext();
  };
  await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));

  const seeded = results.slice(0, seeds.length);
  const f = seeded.map((r) => r.bcubedF).sort((a, b) => a - b);
  const mid = f.length >> 1;
  console.log(
    JSON.stringify({
      seeds: seeds.length,
      meanF: f.reduce((a, b) => a + b, 0) / f.length,
      medianF: f.length % 2 ? f[mid] : (f[mid - 1] + f[mid]) / 2,
      minF: f[0],
      atLeast099: f.filter((x) => x >= 0.99).length,
      minPairP: Math.min(...seeded.map((r) => r.pairP)),
      meanSingletonsClustered: seeded.reduce((a, r) => a + r.singletonsClustered, 0) / seeded.length,
      halvesF: results.slice(seeds.length).map((r) => r.bcubedF),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
