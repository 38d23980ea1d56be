/**
 * Scale benchmark on synthetic embeddings shaped like the real model's (512-d, same person ~0.68, different ~0).
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/cluster-scale.ts \
 *     [--sizes 100000,1000000] [--adds 1000,10000] [--rebuild 100000] [--seed 1] [--path index|full] [--recall]
 *
 * For each dataset size a child process builds the persisted state the clusterer app keeps (serialised cluster
 * summaries of people with >= 3 photos, the independent candidates of the others; identity sizes heavy-tailed,
 * P(size >= s) ~ 1/s, capped at 500), builds the app's per-dataset ClusteringIndex from it (its cold start, timed
 * apart), and times one incremental run per --adds value (60% of the new faces are new photos of known people,
 * the rest new people) the way the clusterer app runs it: search the index with the new faces, load (deserialise)
 * only the summaries and candidates it shortlists, clusterIncremental, apply the result to the index. RSS is
 * sampled from a helper thread. `--path full` times the old path instead (every summary and candidate handed to
 * clusterIncremental). --rebuild N times clusterBatch on N faces. --recall also measures, before each timed run and
 * outside its timing, the recall of the index's shortlist against exact search for the run's new faces (clusters
 * k = clusterCandidates, candidates k = knn; neighbours at or above minEdgeSimilarity, the ones a run keeps).
 * Prints one JSON line per scenario.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import {
  ClusterSummary,
  ClusteringIndex,
  ClusteringResult,
  DEFAULT_CLUSTERING_OPTIONS,
  FaceInput,
  FlatVectorIndex,
  MutableVectorIndex,
  RunScopeLoader,
  buildSummary,
  deserializeSummary,
  serializeSummary,
  clusterBatch,
  clusterIncremental,
} from '@app/clustering';
import { evaluateClustering, identitySize, randomUnitVector, seededRandom, syntheticFace } from '@app/testing';
import { numberArg, parseArgs } from './lib/args';

const DIM = 512;
const newId = (): string => `Cluster-${randomUUID()}`;

/** Peak RSS of the whole process, sampled every 20 ms from a thread that JS work on the main thread cannot block. */
class RssSampler {
  private readonly worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let peak = process.memoryUsage.rss();
     setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
     parentPort.on('message', (m) => { if (m === 'reset') peak = process.memoryUsage.rss(); else parentPort.postMessage(peak); });`,
    { eval: true },
  );

  reset(): void {
    this.worker.postMessage('reset');
  }

  peak(): Promise<number> {
    return new Promise((resolve) => {
      this.worker.once('message', (v: number) => resolve(Math.max(v, process.memoryUsage.rss())));
      this.worker.postMessage('peak');
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

interface Identity {
  id: number;
  vector: Float32Array;
  size: number;
}

interface State {
  clusters: ClusterSummary[];
  candidates: FaceInput[];
  clusterIdentity: Map<string, number>;
  candidateIdentity: Map<string, number>;
  /** A sample of known people (kept with their identity vector) for new photos of known people. */
  known: Identity[];
  identities: number;
  nextIdentity: number;
}

function face(random: () => number, identity: Identity, n: number): FaceInput {
  const faceId = `p${identity.id}-f${n}`;
  return {
    faceId,
    imageId: faceId,
    embedding: syntheticFace(random, identity.vector),
    isHD: random() < 0.9,
    quality: random(),
  };
}

/** The state after perfect earlier clustering of `total` faces (what the app would load from Postgres). */
function buildState(total: number, random: () => number): State {
  const state: State = {
    clusters: [],
    candidates: [],
    clusterIdentity: new Map(),
    candidateIdentity: new Map(),
    known: [],
    identities: 0,
    nextIdentity: 0,
  };
  let faces = 0;
  const keepEvery = Math.max(1, Math.round(total / 200_000));
  while (faces < total) {
    const identity: Identity = {
      id: state.nextIdentity++,
      vector: randomUnitVector(random, DIM),
      size: identitySize(random),
    };
    identity.size = Math.min(identity.size, total - faces);
    const members = Array.from({ length: identity.size }, (_, n) => face(random, identity, n));
    faces += members.length;
    const hdImages = members.filter((m) => m.isHD).length;
    if (hdImages >= 3) {
      const summary = buildSummary(newId(), members, 4);
      state.clusters.push(summary);
      state.clusterIdentity.set(summary.clusterId, identity.id);
    } else {
      for (const m of members) {
        state.candidates.push(m);
        state.candidateIdentity.set(m.faceId, identity.id);
      }
    }
    if (identity.id % keepEvery === 0) state.known.push(identity);
  }
  state.identities = state.nextIdentity;
  return state;
}

/** New faces: 60% new photos of known people (picked in proportion to their photo count), 40% new people. */
function newFaces(
  state: State,
  count: number,
  random: () => number,
): { faces: FaceInput[]; identityOf: Map<string, number> } {
  const faces: FaceInput[] = [];
  const identityOf = new Map<string, number>();
  const cumulative: number[] = [];
  let acc = 0;
  for (const k of state.known) cumulative.push((acc += k.size));
  const nextPhoto = new Map<number, number>();
  const push = (identity: Identity): void => {
    const n = nextPhoto.get(identity.id) ?? identity.size;
    nextPhoto.set(identity.id, n + 1);
    const f = face(random, identity, n);
    faces.push(f);
    identityOf.set(f.faceId, identity.id);
  };
  while (faces.length < count * 0.6) {
    const r = random() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    push(state.known[lo]);
  }
  while (faces.length < count) {
    const identity: Identity = { id: state.nextIdentity++, vector: randomUnitVector(random, DIM), size: 0 };
    const size = Math.min(identitySize(random, 2, 50), count - faces.length);
    for (let j = 0; j < size; j++) push(identity);
  }
  return { faces, identityOf };
}

/** Stands in for the app's database: summaries stored serialised (bytea) and deserialised when loaded. */
class Store implements RunScopeLoader {
  private readonly summaries: Map<string, Buffer>;
  private readonly independents: Map<string, FaceInput>;

  constructor(state: State) {
    this.summaries = new Map(state.clusters.map((c) => [c.clusterId, serializeSummary(c)]));
    this.independents = new Map(state.candidates.map((f) => [f.faceId, f]));
  }

  clusters(ids: string[]): Promise<ClusterSummary[]> {
    return Promise.resolve(
      ids.flatMap((id) => {
        const blob = this.summaries.get(id);
        return blob ? [deserializeSummary(blob)] : [];
      }),
    );
  }

  candidates(ids: string[]): Promise<FaceInput[]> {
    return Promise.resolve(ids.flatMap((id) => this.independents.get(id) ?? []));
  }

  allClusterIds(): string[] {
    return [...this.summaries.keys()];
  }

  allCandidates(): FaceInput[] {
    return [...this.independents.values()];
  }

  /** The run's writes (the app's transaction), so that a later --adds value runs on the grown data set. */
  write(faces: FaceInput[], r: ClusteringResult): void {
    for (const m of r.merges) this.summaries.delete(m.from);
    for (const c of [...r.createdClusters, ...r.updatedClusters]) this.summaries.set(c.clusterId, serializeSummary(c));
    const clusterOf = new Map(r.assignments.map((a) => [a.faceId, a.clusterId]));
    for (const f of faces) if (clusterOf.get(f.faceId) === null) this.independents.set(f.faceId, f);
    for (const a of r.assignments) if (a.clusterId !== null) this.independents.delete(a.faceId);
  }
}

/** Share of the exact top-k neighbours at or above `minSimilarity` that the index's own search also returns. */
async function shortlistRecall(
  index: MutableVectorIndex,
  queries: Float32Array,
  k: number,
  minSimilarity: number,
): Promise<{ recall: number; neighbours: number } | null> {
  if (!(index instanceof FlatVectorIndex) || index.size === 0) return null;
  const kk = Math.min(k, index.size);
  const [found, exact] = await Promise.all([index.search(queries, kk), index.searchExact(queries, kk)]);
  let neighbours = 0;
  let hits = 0;
  for (let q = 0; q < exact.keys.length / kk; q++) {
    const got = new Set(found.keys.slice(q * kk, (q + 1) * kk));
    for (let j = q * kk; j < (q + 1) * kk; j++) {
      if (exact.keys[j] === null || exact.similarities[j] < minSimilarity) continue;
      neighbours++;
      if (got.has(exact.keys[j])) hits++;
    }
  }
  return { recall: neighbours ? +(hits / neighbours).toFixed(5) : 1, neighbours };
}

const cpuSecondsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return +((used.user + used.system) / 1e6).toFixed(2);
};

async function child(size: number, adds: number[], seed: number, path: string, recall: boolean): Promise<void> {
  const sampler = new RssSampler();
  const random = seededRandom(seed);
  let t = Date.now();
  const state = buildState(size, random);
  const summaryBytes = state.clusters.reduce(
    (a, c) => a + 4 * (c.sum.length + c.representatives.length + c.imageHashes.length),
    0,
  );
  console.error(
    `  [${size}] state: ${state.clusters.length} clusters, ${state.candidates.length} candidates, ${state.identities} people, ` +
      `summaries ${(summaryBytes / 2 ** 20).toFixed(0)} MiB, built in ${((Date.now() - t) / 1000).toFixed(1)} s, rss ${(process.memoryUsage.rss() / 2 ** 30).toFixed(2)} GiB`,
  );
  let index: ClusteringIndex | null = null;
  let store: Store | null = null;
  if (path === 'full') {
    store = new Store(state);
    state.clusters = state.clusters.map((c) => ({
      ...c,
      sum: new Float32Array(0),
      representatives: new Float32Array(0),
    }));
  }
  if (path === 'index') {
    sampler.reset();
    t = Date.now();
    const cpu = process.cpuUsage();
    index = ClusteringIndex.create(DIM);
    await index.addClusters(state.clusters);
    await index.addCandidates(state.candidates);
    console.log(
      JSON.stringify({
        scenario: 'index-cold-start',
        datasetFaces: size,
        seconds: (Date.now() - t) / 1000,
        cpuSeconds: cpuSecondsSince(cpu),
        peakRssGiB: +((await sampler.peak()) / 2 ** 30).toFixed(2),
      }),
    );
    store = new Store(state);
    // The store holds the serialised summaries now; the bench keeps only ids and directions of its own.
    state.clusters = state.clusters.map((c) => ({
      ...c,
      sum: new Float32Array(0),
      representatives: new Float32Array(0),
    }));
  }
  for (const add of adds) {
    const { faces, identityOf } = newFaces(state, add, seededRandom(seed + add));
    let shortlist: Record<string, unknown> | undefined;
    if (recall && index) {
      const queries = new Float32Array(faces.length * DIM);
      faces.forEach((f, i) => queries.set(f.embedding, i * DIM));
      const o = DEFAULT_CLUSTERING_OPTIONS;
      shortlist = {
        clusters: await shortlistRecall(index.clusters, queries, o.clusterCandidates, o.minEdgeSimilarity),
        candidates: await shortlistRecall(index.candidates, queries, o.knn, o.minEdgeSimilarity),
      };
    }
    global.gc?.();
    sampler.reset();
    t = Date.now();
    const cpu = process.cpuUsage();
    const phases: Record<string, number> = {};
    let r;
    if (index) {
      const scoped = await index.scope(faces, store!);
      phases.scopeMs = Date.now() - t;
      phases.scopedClusters = scoped.stats.clusters;
      phases.scopedCandidates = scoped.stats.candidates;
      r = await clusterIncremental(scoped.input, newId);
      // The app applies the result to its index once the run's transaction has committed.
      const applyStarted = Date.now();
      await index.apply({ result: r, newFaces: faces });
      phases.applyMs = Date.now() - applyStarted;
      store!.write(faces, r);
    } else {
      // The old app path: every summary deserialised and every candidate handed to the run.
      const all = await store!.clusters(store!.allClusterIds());
      r = await clusterIncremental({ clusters: all, candidates: store!.allCandidates(), newFaces: faces }, newId);
      store!.write(faces, r);
    }
    const seconds = (Date.now() - t) / 1000;
    const cpuUsed = process.cpuUsage(cpu);
    const peak = await sampler.peak();
    // Precision of this run's decisions: a face joined to an existing cluster should be that cluster's person.
    let joined = 0;
    let joinedRight = 0;
    for (const a of r.assignments) {
      if (a.reason !== 'joined-existing' || a.clusterId === null) continue;
      joined++;
      const person = identityOf.get(a.faceId) ?? state.candidateIdentity.get(a.faceId);
      if (state.clusterIdentity.get(a.clusterId) === person) joinedRight++;
    }
    console.log(
      JSON.stringify({
        scenario: 'incremental',
        path,
        datasetFaces: size,
        clusters: state.clusters.length,
        candidates: state.candidates.length,
        newFaces: add,
        seconds,
        cpuSeconds: +((cpuUsed.user + cpuUsed.system) / 1e6).toFixed(2),
        timingsMs: { ...phases, ...r.stats.timings },
        peakRssGiB: +(peak / 2 ** 30).toFixed(2),
        joinedExisting: r.stats.joinedExisting,
        joinedExistingPrecision: joined ? +(joinedRight / joined).toFixed(4) : 1,
        createdClusters: r.stats.createdClusters,
        independent: r.stats.independent,
        merges: r.stats.merges,
        poolFaces: r.stats.poolFaces,
        ...(shortlist ? { shortlistRecall: shortlist } : {}),
      }),
    );
  }
  await sampler.close();
}

async function rebuild(size: number, seed: number): Promise<void> {
  const sampler = new RssSampler();
  const random = seededRandom(seed);
  const faces: FaceInput[] = [];
  const truth: string[] = [];
  for (let id = 0; faces.length < size; id++) {
    const identity: Identity = { id, vector: randomUnitVector(random, DIM), size: identitySize(random) };
    for (let n = 0; n < identity.size && faces.length < size; n++) {
      faces.push(face(random, identity, n));
      truth.push(String(id));
    }
  }
  // Shuffle so that the run does not see people in order.
  for (let i = faces.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [faces[i], faces[j]] = [faces[j], faces[i]];
    [truth[i], truth[j]] = [truth[j], truth[i]];
  }
  sampler.reset();
  const t = Date.now();
  const cpu = process.cpuUsage();
  const r = await clusterBatch(faces, undefined, newId);
  const seconds = (Date.now() - t) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  const peak = await sampler.peak();
  const photos = new Map<string, number>();
  for (const p of truth) photos.set(p, (photos.get(p) ?? 0) + 1);
  const m = evaluateClustering(
    r.assignments.map((a) => a.clusterId),
    truth,
    truth.map((p) => (photos.get(p) ?? 0) >= 4),
  );
  console.log(
    JSON.stringify({
      scenario: 'rebuild',
      datasetFaces: size,
      seconds,
      cpuSeconds: +((cpuUsed.user + cpuUsed.system) / 1e6).toFixed(2),
      timingsMs: r.stats.timings,
      peakRssGiB: +(peak / 2 ** 30).toFixed(2),
      clusters: r.clusters.length,
      pairP: +m.pairP.toFixed(4),
      pairF: +m.pairF.toFixed(4),
      bcubedF: +m.bcubedF.toFixed(4),
    }),
  );
  await sampler.close();
}

function spawnChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = fork(__filename, args, {
      execArgv: [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        '--max-old-space-size=8192',
        // So that each scenario starts from a collected heap and peak RSS measures the run, not earlier garbage.
        '--expose-gc',
      ],
      stdio: 'inherit',
    });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child ${args.join(' ')} exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = parseArgs();
  const seed = numberArg(args, 'seed', 1);
  const adds = (args.get('adds') ?? '1000,10000').split(',').map(Number);
  const path = args.get('path') ?? 'index';
  if (path !== 'index' && path !== 'full') throw new Error('--path must be index or full');
  const recall = args.has('recall');
  if (args.has('child-size')) return child(numberArg(args, 'child-size', 0), adds, seed, path, recall);
  if (args.has('child-rebuild')) return rebuild(numberArg(args, 'child-rebuild', 0), seed);
  const sizes = (args.get('sizes') ?? '100000,1000000').split(',').filter(Boolean).map(Number);
  for (const size of sizes)
    await spawnChild([
      '--child-size',
      String(size),
      '--adds',
      adds.join(','),
      '--seed',
      String(seed),
      '--path',
      path,
      ...(recall ? ['--recall'] : []),
    ]);
  const rebuilds = (args.get('rebuild') ?? '100000').split(',').filter(Boolean).map(Number);
  for (const size of rebuilds)
    if (size > 0) await spawnChild(['--child-rebuild', String(size), '--seed', String(seed)]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
