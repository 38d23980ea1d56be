/**
 * Face queries and stranger events through the running service (gateway + indexer + clusterer on a throwaway
 * Postgres schema, Redis prefix and s3rver; test/support/stack.ts), measured through HTTP:
 *
 *   npm run bench:compare-faces -- [--limit 3000] [--concurrency 2]
 *     LFW pairs (lfw-dev-pairs.txt) through CompareImageFaces: 10-fold accuracy on Similarity (as bench:verify
 *     computes it on the cosine), and the false-accept / true-accept rates at Similarity thresholds.
 *   npm run bench:face-search-scale -- [--clusters 45000] [--faces 1000000] [--queries 60]
 *     SearchImageFigureCluster latency (median, p99; split into fetch, decode, inference, search from the
 *     Server-Timing header) on 1-3 MP photos (misc/singleface, upscaled) against a dataset seeded with synthetic
 *     cluster summaries (identities as in bench/cluster-scale.ts).
 *   npm run bench:stranger-latency -- [--runs 15]
 *     Upload of one photo (+ IndexFileMeta) to the Stranger event arriving at a local HTTP listener.
 *   npm run bench:face-search-quality -- [--people 314] [--strangers 300] [--seed 1]
 *     lfw-dev: index all but one photo of each person with >= 4 photos, let clustering run, then search the
 *     held-back photos (top-1 rate) and one photo each of people not indexed (share reported as strangers).
 * Each prints a final JSON line.
 */
import { buildSummary, seededRandom, serializeSummary } from '@app/clustering';
import { identitySize, randomUnitVector, syntheticFace } from '@app/testing';
import { DEFAULT_MATCH_SIMILARITY } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { Stack, startStack } from '../test/support/stack';
import { datasetsRoot, numberArg, parseArgs } from './lib/args';
import { readLfwPairs } from './lib/pairs-file';
import { lfwTenFold, type ScoredPair } from './lib/verification-metrics';

const P = 'bench';
const args = parseArgs();
const lfw = join(datasetsRoot(), 'lfw-dev');

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const median = (v: number[]): number => quantile(v, 0.5);
const round = (v: number, d = 1): number => Number(v.toFixed(d));

async function api(stack: Stack, op: string, body: Record<string, unknown>) {
  const res = await stack.api(op, body);
  if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

async function uploadLfw(stack: Stack, files: string[]): Promise<void> {
  await pool(files, 8, (f) => stack.storage.put('photos', `lfw/${f}`, readFileSync(join(lfw, f)), 'image/jpeg'));
}

async function waitTask(stack: Stack, type: string, taskId: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await api(stack, 'GetTask', { ProjectName: P, TaskType: type, TaskId: taskId });
    if (res.body.Status !== 'Running') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`task ${taskId} did not end`);
}

async function compareFaces(stack: Stack): Promise<Record<string, unknown>> {
  const pairs = readLfwPairs(join(datasetsRoot(), 'lfw-dev-pairs.txt'));
  const limit = numberArg(args, 'limit', pairs.length);
  // Keep whole folds balanced when limited: the first `limit / 10` same and different pairs of each fold.
  const perFold = Math.ceil(limit / 20);
  const chosen = pairs.filter((p, i) => {
    const inFold = pairs.slice(0, i).filter((q) => q.fold === p.fold && q.same === p.same).length;
    return inFold < perFold;
  });
  const files = [...new Set(chosen.flatMap((p) => [p.a, p.b]))];
  await uploadLfw(stack, files);
  // Warm up (the inference workers load their models on first use).
  await api(stack, 'CompareImageFaces', {
    ProjectName: P,
    Source: { URI1: `oss://photos/lfw/${files[0]}`, URI2: `oss://photos/lfw/${files[1]}` },
  });
  const started = Date.now();
  let noFace = 0;
  const scored: ScoredPair[] = await pool(chosen, numberArg(args, 'concurrency', 2), async (p, i) => {
    const res = await api(stack, 'CompareImageFaces', {
      ProjectName: P,
      Source: { URI1: `oss://photos/lfw/${p.a}`, URI2: `oss://photos/lfw/${p.b}` },
    });
    if (i % 250 === 0) process.stderr.write(`  ${i}/${chosen.length} pairs\n`);
    if (typeof res.body.Similarity !== 'number') noFace++;
    return { fold: p.fold, same: p.same, score: typeof res.body.Similarity === 'number' ? res.body.Similarity : 0 };
  });
  const report = lfwTenFold(scored);
  const different = scored.filter((s) => !s.same);
  const same = scored.filter((s) => s.same);
  const thresholds = [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8].map((t) => ({
    similarity: t,
    far: different.filter((s) => s.score >= t).length / different.length,
    tar: same.filter((s) => s.score >= t).length / same.length,
  }));
  for (const t of thresholds)
    console.log(
      `Similarity >= ${t.similarity.toFixed(2)}: FAR ${(t.far * 100).toFixed(2)}% (${Math.round(t.far * different.length)}/${different.length}), TAR ${(t.tar * 100).toFixed(2)}%`,
    );
  console.log(
    `accuracy ${(report.accuracy * 100).toFixed(2)}% ± ${(report.std * 100).toFixed(2)}, AUC ${report.auc.toFixed(4)}, TAR@FAR=0.1% ${(report.tarAtFar1e3 * 100).toFixed(2)}%, pairs with an image without a face: ${noFace}`,
  );
  return {
    bench: 'compare-faces',
    pairs: scored.length,
    accuracy: report.accuracy,
    std: report.std,
    auc: report.auc,
    tarAtFar1e3: report.tarAtFar1e3,
    meanThreshold: report.thresholds.reduce((a, b) => a + b, 0) / report.thresholds.length,
    noFace,
    thresholds,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Synthetic cluster summaries for `faces` faces (identities heavy-tailed as in cluster-scale) up to `clusters`. */
async function seedClusters(stack: Stack, datasetId: string, clusters: number, faces: number): Promise<number> {
  const random = seededRandom(7);
  const meanSize = faces / clusters;
  let seeded = 0;
  let total = 0;
  let batch: Array<{ id: string; summary: Buffer; count: number }> = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const values = batch.map(
      (_, i) =>
        `($${i * 4 + 1}::uuid, $${i * 4 + 2}::uuid, $${i * 4 + 3}::bytea, $${i * 4 + 4}::int, $${i * 4 + 4}::int)`,
    );
    await stack.db.query(
      `INSERT INTO figure_clusters (id, dataset_id, summary, face_count, image_count) VALUES ${values.join(', ')}`,
      batch.flatMap((b) => [b.id, datasetId, b.summary, b.count]),
    );
    batch = [];
  };
  while (seeded < clusters) {
    const vector = randomUnitVector(random, 512);
    // Sizes >= 3 (a cluster needs 3 images), scaled so the clusters hold `faces` faces in all.
    const size = Math.max(3, Math.round(identitySize(random) * (meanSize / 6.5)));
    const members = Array.from({ length: Math.min(size, 6) }, (_, n) => ({
      faceId: `f${seeded}-${n}`,
      imageId: `i${seeded}-${n}`,
      embedding: syntheticFace(random, vector),
      isHD: true,
      quality: random(),
    }));
    const id = randomUUID();
    const summary = buildSummary(`Cluster-${id}`, members, 4);
    // A cluster's sum scales with its size: keep the direction, count the full size.
    const scale = size / members.length;
    for (let d = 0; d < summary.sum.length; d++) summary.sum[d] *= scale;
    summary.count = size;
    batch.push({ id, summary: serializeSummary(summary), count: size });
    total += size;
    seeded++;
    if (batch.length === 500) await flush();
    if (seeded % 5000 === 0) process.stderr.write(`  seeded ${seeded}/${clusters} clusters\n`);
  }
  await flush();
  await stack.db.query(`UPDATE datasets SET cluster_generation = cluster_generation + 1 WHERE id = $1`, [datasetId]);
  return total;
}

/** 1-3 MP JPEGs with one face: misc/singleface photos scaled so the longer side is 1600-2400 px. */
async function largePhotos(): Promise<Buffer[]> {
  const dir = join(datasetsRoot(), 'misc', 'singleface');
  const out: Buffer[] = [];
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(jpe?g|png)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of files) {
    const img = sharp(readFileSync(f)).rotate();
    const meta = await img.metadata();
    const long = Math.max(meta.width ?? 0, meta.height ?? 0);
    const target = 1600 + (out.length % 3) * 400;
    const resized = await img
      .resize(meta.width >= meta.height ? { width: Math.round((meta.width * target) / long) } : { height: target })
      .jpeg({ quality: 90 })
      .toBuffer();
    out.push(resized);
  }
  return out;
}

async function searchScale(stack: Stack): Promise<Record<string, unknown>> {
  const clusters = numberArg(args, 'clusters', 45_000);
  const faces = numberArg(args, 'faces', 1_000_000);
  await api(stack, 'CreateDataset', { ProjectName: P, DatasetName: 'scale' });
  const { rows } = await stack.db.query(`SELECT id FROM datasets WHERE name = 'scale'`);
  const photos = await largePhotos();
  let started = Date.now();
  const seededFaces = await seedClusters(stack, rows[0].id as string, clusters, faces);
  const seedSeconds = (Date.now() - started) / 1000;
  for (const [i, body] of photos.entries()) await stack.storage.put('photos', `large/${i}.jpg`, body, 'image/jpeg');
  const search = (i: number) =>
    api(stack, 'SearchImageFigureCluster', {
      ProjectName: P,
      DatasetName: 'scale',
      SourceURI: `oss://photos/large/${i % photos.length}.jpg`,
    });
  started = Date.now();
  // Cold: the indexer loads the dataset's cluster index (retried while it takes longer than the query timeout).
  for (let attempt = 0; ; attempt++) {
    const res = await stack.api('SearchImageFigureCluster', {
      ProjectName: P,
      DatasetName: 'scale',
      SourceURI: 'oss://photos/large/0.jpg',
    });
    if (res.status === 200) break;
    if (res.status !== 503 || attempt >= 5) throw new Error(`cold search: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const coldSeconds = (Date.now() - started) / 1000;
  await search(1);
  const n = numberArg(args, 'queries', 60);
  const total: number[] = [];
  const stages: Record<string, number[]> = { fetch: [], decode: [], inference: [], search: [] };
  let faceCount = 0;
  for (let i = 0; i < n; i++) {
    const t0 = Date.now();
    const res = await search(i);
    total.push(Date.now() - t0);
    for (const part of String(res.headers['server-timing'] ?? '').split(',')) {
      const m = /^\s*(\w+);dur=([\d.]+)/.exec(part);
      if (m && stages[m[1]]) stages[m[1]].push(Number(m[2]));
    }
    faceCount += (res.body.Clusters as unknown[]).length;
  }
  const split = Object.fromEntries(
    Object.entries(stages).map(([k, v]) => [k, { median: round(median(v)), p99: round(quantile(v, 0.99)) }]),
  );
  const megapixels = await Promise.all(
    photos.map(async (b) => {
      const m = await sharp(b).metadata();
      return ((m.width ?? 0) * (m.height ?? 0)) / 1e6;
    }),
  );
  console.log(
    `SearchImageFigureCluster over ${clusters} clusters (${seededFaces} faces): median ${round(median(total))} ms, p99 ${round(quantile(total, 0.99))} ms; ${JSON.stringify(split)}`,
  );
  return {
    bench: 'face-search-scale',
    clusters,
    faces: seededFaces,
    seedSeconds,
    coldSeconds,
    queries: n,
    photosMegapixels: megapixels.map((m) => round(m, 2)),
    medianMs: round(median(total)),
    p99Ms: round(quantile(total, 0.99)),
    stages: split,
    clustersReturned: faceCount,
  };
}

async function strangerLatency(stack: Stack): Promise<Record<string, unknown>> {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { URI: string; EventType: string };
      if (body.EventType === 'Stranger') arrivals.set(body.URI, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  await api(stack, 'CreateDataset', {
    ProjectName: P,
    DatasetName: 'camera',
    EventSubscription: { Endpoint: endpoint, Events: ['Stranger'], Secret: 'bench-secret-0123456789' },
  });
  const people = readdirSync(lfw)
    .sort()
    .slice(0, numberArg(args, 'runs', 15) + 1);
  const latencies: number[] = [];
  /** Upload -> event row committed (indexing), and committed -> POST received (delivery). */
  const toCommit: number[] = [];
  const toDelivery: number[] = [];
  for (const [i, person] of people.entries()) {
    const file = readdirSync(join(lfw, person)).sort()[0];
    const key = `camera/${person}.jpg`;
    const uri = `oss://photos/${key}`;
    const t0 = Date.now();
    await stack.storage.put('photos', key, readFileSync(join(lfw, person, file)), 'image/jpeg');
    await api(stack, 'IndexFileMeta', { ProjectName: P, DatasetName: 'camera', File: { URI: uri } });
    const end = Date.now() + 30_000;
    while (!arrivals.has(uri) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    if (!arrivals.has(uri)) throw new Error(`no Stranger event for ${uri}`);
    if (i > 0) {
      // The first run warms the models and the dataset's index.
      const arrived = arrivals.get(uri)!;
      const { rows } = await stack.db.query(`SELECT create_time FROM face_events WHERE uri = $1`, [uri]);
      const committed = (rows[0] as { create_time: Date }).create_time.getTime();
      latencies.push(arrived - t0);
      toCommit.push(committed - t0);
      toDelivery.push(arrived - committed);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  server.close();
  console.log(
    `upload -> Stranger event: median ${round(median(latencies))} ms, p90 ${round(quantile(latencies, 0.9))} ms, max ${round(Math.max(...latencies))} ms`,
  );
  return {
    bench: 'stranger-latency',
    runs: latencies.length,
    medianMs: round(median(latencies)),
    p90Ms: round(quantile(latencies, 0.9)),
    maxMs: round(Math.max(...latencies)),
    toCommitMedianMs: round(median(toCommit)),
    toDeliveryMedianMs: round(median(toDelivery)),
  };
}

async function searchQuality(stack: Stack): Promise<Record<string, unknown>> {
  const people = readdirSync(lfw).sort();
  const photosOf = new Map(people.map((p) => [p, readdirSync(join(lfw, p)).sort()]));
  const random = seededRandom(numberArg(args, 'seed', 1));
  const shuffled = (list: string[]): string[] =>
    list
      .map((p) => ({ p, r: random() }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.p);
  const enrolled = shuffled(people.filter((p) => photosOf.get(p)!.length >= 4)).slice(
    0,
    numberArg(args, 'people', 314),
  );
  const others = people.filter((p) => photosOf.get(p)!.length < 4);
  // A reproducible sample of people never indexed.
  const strangers = shuffled(others).slice(0, numberArg(args, 'strangers', 300));
  const heldBack = new Map(enrolled.map((p) => [p, photosOf.get(p)!.at(-1)!]));
  const indexFiles = enrolled.flatMap((p) =>
    photosOf
      .get(p)!
      .slice(0, -1)
      .map((f) => `${p}/${f}`),
  );
  await uploadLfw(stack, [
    ...indexFiles,
    ...enrolled.map((p) => `${p}/${heldBack.get(p)}`),
    ...strangers.map((p) => `${p}/${photosOf.get(p)![0]}`),
  ]);
  await api(stack, 'CreateDataset', { ProjectName: P, DatasetName: 'lfw' });
  let started = Date.now();
  for (let i = 0; i < indexFiles.length; i += 100) {
    const res = await api(stack, 'BatchIndexFileMeta', {
      ProjectName: P,
      DatasetName: 'lfw',
      Files: indexFiles.slice(i, i + 100).map((f) => ({ URI: `oss://photos/lfw/${f}` })),
    });
    await waitTask(stack, 'IndexFileMeta', res.body.TaskId as string, 1_800_000);
    process.stderr.write(`  indexed ${Math.min(i + 100, indexFiles.length)}/${indexFiles.length}\n`);
  }
  await stack.waitForQueuesDrained(600_000);
  const indexSeconds = (Date.now() - started) / 1000;
  // Each enrolled person's cluster: the cluster holding most of their indexed photos.
  const { rows } = await stack.db.query(
    `SELECT fi.uri, fg.cluster_id AS "clusterId" FROM figures fg JOIN files fi ON fi.id = fg.file_id
      WHERE fg.cluster_id IS NOT NULL`,
  );
  const votes = new Map<string, Map<string, number>>();
  for (const r of rows as Array<{ uri: string; clusterId: string }>) {
    const person = r.uri.split('/')[4];
    const m = votes.get(person) ?? new Map<string, number>();
    m.set(r.clusterId, (m.get(r.clusterId) ?? 0) + 1);
    votes.set(person, m);
  }
  const clusterOf = new Map([...votes].map(([p, m]) => [p, `Cluster-${[...m].sort((a, b) => b[1] - a[1])[0][0]}`]));
  started = Date.now();
  const search = (file: string) =>
    api(stack, 'SearchImageFigureCluster', {
      ProjectName: P,
      DatasetName: 'lfw',
      SourceURI: `oss://photos/lfw/${file}`,
    });
  let top1 = 0;
  let clusteredPeople = 0;
  let notFound = 0;
  for (const p of enrolled) {
    const res = await search(`${p}/${heldBack.get(p)}`);
    const first = (res.body.Clusters as Array<{ ClusterId: string }>)[0];
    if (!clusterOf.has(p)) continue; // the person formed no cluster (too few usable photos)
    clusteredPeople++;
    if (!first) notFound++;
    else if (first.ClusterId === clusterOf.get(p)) top1++;
  }
  let reportedStranger = 0;
  for (const p of strangers) {
    const res = await search(`${p}/${photosOf.get(p)![0]}`);
    if ((res.body.Clusters as unknown[]).length === 0) reportedStranger++;
  }
  const result = {
    bench: 'face-search-quality',
    matchSimilarity: DEFAULT_MATCH_SIMILARITY,
    enrolledPeople: enrolled.length,
    clusteredPeople,
    top1Rate: top1 / clusteredPeople,
    heldBackWithoutMatch: notFound,
    strangersSearched: strangers.length,
    strangerRate: reportedStranger / strangers.length,
    indexedPhotos: indexFiles.length,
    indexSeconds,
    searchSeconds: (Date.now() - started) / 1000,
  };
  console.log(
    `top-1 ${(result.top1Rate * 100).toFixed(1)}% of ${clusteredPeople} clustered people (${notFound} without any match); strangers reported ${(result.strangerRate * 100).toFixed(1)}% of ${strangers.length}`,
  );
  return result;
}

async function main(): Promise<void> {
  const scenario = args.get('scenario') ?? 'compare';
  const stack = await startStack({
    label: `bench-${scenario}`.slice(0, 20),
    clusterDebounceMs: 2000,
    env: {
      INDEXER_CONCURRENCY: '2',
      FACE_QUERY_CONCURRENCY: '2',
      INDEXER_INFERENCE_WORKERS: String(numberArg(args, 'workers', 2)),
      // The stranger-latency receiver is plain http on loopback, which the webhook policy refuses by default.
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    },
  });
  try {
    await api(stack, 'CreateProject', { ProjectName: P });
    const run = { compare: compareFaces, scale: searchScale, stranger: strangerLatency, quality: searchQuality }[
      scenario as 'compare'
    ];
    if (!run) throw new Error(`unknown --scenario ${scenario}`);
    const result = await run(stack);
    console.log(JSON.stringify({ ...result, date: new Date().toISOString() }));
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
