/**
 * Fair indexing and clustering during a long import, on the real stack (gateway, indexer, clusterer in this
 * process, as test/support/stack.ts builds them; Postgres, Redis and s3rver of the machine):
 *   npm run bench:fairness -- [--big 2000] [--small 50] [--delay 30] [--max-wait 60] [--debounce 10]
 * 1. Solo: a `small`-photo import into a dataset of its own, nothing else running: time until fully indexed.
 * 2. Loaded: a `big`-photo import into project "big"; `delay` seconds later the same-size small import into
 *    project "small": its time until fully indexed (vs solo), and the time from the big import's start until
 *    its first clusters are visible through QueryFigureClusters (target: under max-wait + 15 s).
 * lfw-dev photos: the big import takes people with at least 4 photos (so clusters can form), the small one
 * other photos. The big import is not waited for: the run ends when both figures are in.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, Stack } from '../test/support/stack';
import { datasetsRoot, numberArg, parseArgs } from './lib/args';

interface Photo {
  key: string;
  body: Buffer;
}

function lfwPhotos(root: string): { clusterable: Photo[]; others: Photo[] } {
  const clusterable: Photo[] = [];
  const others: Photo[] = [];
  for (const person of readdirSync(root).sort()) {
    const files = readdirSync(join(root, person)).sort();
    const target = files.length >= 4 ? clusterable : others;
    for (const file of files) target.push({ key: `${person}/${file}`, body: readFileSync(join(root, person, file)) });
  }
  return { clusterable, others };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function api(stack: Stack, operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await stack.api(operation, body);
  if (res.status !== 200) throw new Error(`${operation}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

async function upload(stack: Stack, prefix: string, photos: Photo[]): Promise<string[]> {
  const uris: string[] = [];
  for (let i = 0; i < photos.length; i += 16) {
    await Promise.all(
      photos.slice(i, i + 16).map((p) => stack.storage.put('photos', `${prefix}/${p.key}`, p.body, 'image/jpeg')),
    );
  }
  for (const p of photos) uris.push(`oss://photos/${prefix}/${p.key}`);
  return uris;
}

async function index(stack: Stack, project: string, dataset: string, uris: string[]): Promise<void> {
  for (let i = 0; i < uris.length; i += 100) {
    await api(stack, 'BatchIndexFileMeta', {
      ProjectName: project,
      DatasetName: dataset,
      Files: uris.slice(i, i + 100).map((URI) => ({ URI })),
    });
  }
}

async function doneCount(stack: Stack, project: string, dataset: string): Promise<number> {
  const { rows } = await stack.db.query(
    `SELECT count(*)::int AS n FROM files f JOIN datasets d ON d.id = f.dataset_id JOIN projects p ON p.id = d.project_id
     WHERE p.name = $1 AND d.name = $2 AND f.status <> 'pending'`,
    [project, dataset],
  );
  return (rows[0] as { n: number }).n;
}

async function waitIndexed(stack: Stack, project: string, dataset: string, total: number): Promise<void> {
  while ((await doneCount(stack, project, dataset)) < total) await sleep(250);
}

async function main(): Promise<void> {
  const args = parseArgs();
  const bigCount = numberArg(args, 'big', 2000);
  const smallCount = numberArg(args, 'small', 50);
  const delayS = numberArg(args, 'delay', 30);
  const maxWaitS = numberArg(args, 'max-wait', 60);
  const debounceS = numberArg(args, 'debounce', 10);
  const root = join(datasetsRoot(), 'lfw-dev');
  if (!existsSync(root)) throw new Error(`${root} is missing (set FACECLUSTER_DATASETS)`);
  const { clusterable, others } = lfwPhotos(root);
  if (clusterable.length < bigCount || others.length < 2 * smallCount) {
    throw new Error(`lfw-dev has ${clusterable.length} clusterable and ${others.length} other photos: too few`);
  }
  const big = clusterable.slice(0, bigCount);
  const small = others.slice(0, smallCount);
  const small2 = others.slice(smallCount, 2 * smallCount);

  const stack = await startStack({
    label: 'bench-fairness',
    clusterDebounceMs: debounceS * 1000,
    env: { CLUSTER_MAX_WAIT_MS: String(maxWaitS * 1000) },
    logLevel: 'warn',
  });
  try {
    for (const ProjectName of ['big', 'small']) await api(stack, 'CreateProject', { ProjectName });
    await api(stack, 'CreateDataset', { ProjectName: 'big', DatasetName: 'import' });
    for (const DatasetName of ['solo', 'during'])
      await api(stack, 'CreateDataset', { ProjectName: 'small', DatasetName });
    const soloUris = await upload(stack, 'solo', small);
    const duringUris = await upload(stack, 'during', small2);
    const bigUris = await upload(stack, 'big', big);
    console.log(`uploaded ${bigUris.length} + ${soloUris.length} + ${duringUris.length} photos`);

    // Warm-up (models loaded, JIT) on a few photos of another dataset, then the solo run.
    await api(stack, 'CreateDataset', { ProjectName: 'small', DatasetName: 'warm-up' });
    await index(stack, 'small', 'warm-up', soloUris.slice(0, 4));
    await waitIndexed(stack, 'small', 'warm-up', 4);
    const soloStart = Date.now();
    await index(stack, 'small', 'solo', soloUris);
    await waitIndexed(stack, 'small', 'solo', small.length);
    const soloS = (Date.now() - soloStart) / 1000;
    console.log(`solo: ${small.length} photos indexed in ${soloS.toFixed(1)} s`);
    await stack.waitForQueuesDrained(600_000);

    const bigStart = Date.now();
    await index(stack, 'big', 'import', bigUris);
    console.log(`big import of ${big.length} photos queued in ${((Date.now() - bigStart) / 1000).toFixed(1)} s`);
    let firstClustersS: number | undefined;
    const watchClusters = (async () => {
      while (firstClustersS === undefined) {
        const body = await api(stack, 'QueryFigureClusters', {
          ProjectName: 'big',
          DatasetName: 'import',
          MaxResults: 1,
        });
        if ((body['FigureClusters'] as unknown[]).length > 0) firstClustersS = (Date.now() - bigStart) / 1000;
        else await sleep(500);
      }
    })();
    await sleep(Math.max(0, delayS * 1000 - (Date.now() - bigStart)));
    const bigDoneAtSmall = await doneCount(stack, 'big', 'import');
    const duringStart = Date.now();
    await index(stack, 'small', 'during', duringUris);
    await waitIndexed(stack, 'small', 'during', small2.length);
    const duringS = (Date.now() - duringStart) / 1000;
    const bigDoneAfterSmall = await doneCount(stack, 'big', 'import');
    console.log(
      `during the import: ${small2.length} photos indexed in ${duringS.toFixed(1)} s ` +
        `(big import: ${bigDoneAtSmall} indexed when it was queued, ${bigDoneAfterSmall} when it was done)`,
    );
    await watchClusters;
    const bigDone = await doneCount(stack, 'big', 'import');
    const result = {
      date: new Date().toISOString(),
      big: big.length,
      small: small.length,
      delayS,
      maxWaitS,
      debounceS,
      soloS: +soloS.toFixed(1),
      duringS: +duringS.toFixed(1),
      ratio: +(duringS / soloS).toFixed(2),
      ratioTarget: 3,
      firstClustersS: +(firstClustersS ?? NaN).toFixed(1),
      firstClustersTargetS: maxWaitS + 15,
      bigIndexedWhenFirstClustersSeen: bigDone,
      bigImagesPerSecond: +(bigDone / ((Date.now() - bigStart) / 1000)).toFixed(2),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `small dataset: ${result.ratio}x its solo time (target < 3x); first clusters of the big import after ` +
        `${result.firstClustersS} s (target < ${result.firstClustersTargetS} s)`,
    );
  } finally {
    await stack.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
