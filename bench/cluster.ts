/**
 * Clustering quality on a folder of person folders (LFW layout), through the project's own face pipeline.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/cluster.ts \
 *     --dataset ../shared/datasets/lfw-dev [--batches 10] [--min-photos 4] [--distractors dir] [--hd pipeline|all]  (pipeline: the indexer's own IMM HD flags, the default; all: every face HD)
 *     [--seed 1] [--half 1|2] [--linkage 0.46] [--group-match 0.46] [--join 0.41] [--small-margin 0.12]
 *     [--cohesion 0.6] [--cohesion-nonhd 0.58] [--merge 0.55] [--sweep] [--explain]   (--explain: every evaluated face outside its person's main cluster)
 *     (--half: only one of two disjoint halves of the identities, split at random with --seed: a held-out check)
 *     [--embeddings .cache/embeddings/<file>.json]   (reuse an embedDataset cache file as is)
 *
 * Clusters every photo (people with fewer photos act as distractors), feeding them in N random-order batches to
 * clusterIncremental and, for reference, all at once to clusterBatch. Metrics are over the faces of people with
 * >= --min-photos photos (see evaluateClustering: independents count as clusters of one; pairwise precision covers
 * every predicted pair of the data set). People with one photo must never end up in a cluster: reported.
 * Ends with one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ClusterSummary,
  ClusteringOptions,
  FaceInput,
  clusterBatch,
  clusterIncremental,
  seededRandom,
} from '@app/clustering';
import { evaluateClustering } from '@app/testing';
import { datasetsRoot, numberArg, parseArgs } from './lib/args';
import { type DatasetFace, embedDataset } from './lib/embed-dataset';
import { explainMisses } from './lib/explain-misses';

interface LabelledFace extends FaceInput {
  identity: string;
}

const newId = (): string => `Cluster-${randomUUID()}`;

/** Reads an embedDataset cache file directly (to reuse embeddings while the pipeline's sources change). */
function readEmbeddingCache(file: string): Map<string, DatasetFace> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    Omit<DatasetFace, 'embedding'> & { embedding: string }
  >;
  const out = new Map<string, DatasetFace>();
  for (const [rel, f] of Object.entries(raw)) {
    const buf = Buffer.from(f.embedding, 'base64');
    out.set(rel, { ...f, embedding: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice() });
  }
  return out;
}

async function loadFaces(
  dir: string,
  hdMode: string,
  identityOf: (rel: string) => string,
  cacheFile?: string,
): Promise<LabelledFace[]> {
  const started = Date.now();
  const embedded = cacheFile
    ? readEmbeddingCache(cacheFile)
    : await embedDataset(dir, {
        onProgress: (done, total) => {
          if (done % 250 === 0 || done === total) process.stderr.write(`\r  embedded ${done}/${total}`);
        },
      });
  process.stderr.write(`\n  ${embedded.size} photos of ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  // Photos where the pipeline found no face carry a fallback embedding of the image centre (for the verification
  // bench); the clusterer never sees such faces, so they are left out here and counted.
  const undetected = [...embedded.values()].filter((f) => !f.detected).length;
  process.stderr.write(`  ${undetected} photos without a detected face left out\n`);
  // Sorted by path: a seed then gives the same shuffle whichever order the cache file or the embedding workers
  // produced the faces in.
  return [...embedded.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, f]) => f.detected)
    .map(([rel, f]) => ({
      faceId: rel,
      imageId: rel,
      embedding: f.embedding,
      isHD: hdMode === 'all' ? true : f.isHD,
      quality: f.faceQuality,
      identity: identityOf(rel),
    }));
}

/** Feeds faces batch by batch, keeping state as the clusterer app would (summaries + independent candidates). */
async function runIncremental(faces: LabelledFace[], batches: number, options: Partial<ClusteringOptions>) {
  let clusters = new Map<string, ClusterSummary>();
  let candidates: FaceInput[] = [];
  const clusterOf = new Map<string, string | null>();
  const size = Math.ceil(faces.length / batches);
  let merges = 0;
  let millis = 0;
  for (let b = 0; b < batches; b++) {
    const batch = faces.slice(b * size, (b + 1) * size);
    if (batch.length === 0) break;
    const r = await clusterIncremental(
      { clusters: [...clusters.values()], candidates, newFaces: batch, options },
      newId,
    );
    millis += r.stats.millis;
    for (const m of r.merges) {
      clusters.delete(m.from);
      for (const [face, c] of clusterOf) if (c === m.from) clusterOf.set(face, m.into);
    }
    merges += r.merges.length;
    for (const c of [...r.createdClusters, ...r.updatedClusters]) clusters.set(c.clusterId, c);
    for (const a of r.assignments) clusterOf.set(a.faceId, a.clusterId);
    candidates = [...candidates, ...batch].filter((f) => clusterOf.get(f.faceId) === null);
    clusters = new Map(clusters);
  }
  return { predicted: faces.map((f) => clusterOf.get(f.faceId) ?? null), merges, millis };
}

function fmt(m: ReturnType<typeof evaluateClustering>): string {
  const p = (v: number): string => v.toFixed(4);
  return `pairwise P/R/F ${p(m.pairP)}/${p(m.pairR)}/${p(m.pairF)}  BCubed P/R/F ${p(m.bcubedP)}/${p(m.bcubedR)}/${p(m.bcubedF)}  clusters ${m.clusters} vs identities ${m.identities}  unclustered ${(100 * m.unclustered).toFixed(1)}%`;
}

function singletonsClustered(
  faces: LabelledFace[],
  predicted: Array<string | null>,
  photos: Map<string, number>,
): number {
  return faces.filter((f, i) => photos.get(f.identity) === 1 && predicted[i] !== null).length;
}

async function main(): Promise<void> {
  const args = parseArgs();
  const dataset = resolve(args.get('dataset') ?? resolve(datasetsRoot(), 'lfw-dev'));
  if (!existsSync(dataset)) {
    console.log(`bench:cluster: dataset ${dataset} not found, skipping (pass --dataset <dir of person folders>)`);
    return;
  }
  const batches = numberArg(args, 'batches', 10);
  const minPhotos = numberArg(args, 'min-photos', 4);
  const seed = numberArg(args, 'seed', 1);
  const hdMode = args.get('hd') ?? 'pipeline';
  const options: Partial<ClusteringOptions> = {};
  const optionArgs: Array<[string, keyof ClusteringOptions]> = [
    ['linkage', 'linkageThreshold'],
    ['group-match', 'groupMatchThreshold'],
    ['join', 'joinThreshold'],
    ['merge', 'mergeThreshold'],
    ['small-margin', 'smallClusterMargin'],
    ['cohesion', 'cohesionRatio'],
    ['cohesion-nonhd', 'cohesionRatioNonHD'],
    ['knn', 'knn'],
    ['min-edge', 'minEdgeSimilarity'],
  ];
  for (const [arg, key] of optionArgs)
    if (args.has(arg)) (options as Record<string, number>)[key] = numberArg(args, arg, 0);
  // --linkage alone moves both of the linkage threshold's meanings (the group-to-cluster bar has the same value).
  if (args.has('linkage') && !args.has('group-match')) options.groupMatchThreshold = options.linkageThreshold;

  const faces = await loadFaces(dataset, hdMode, (rel) => rel.split('/')[0], args.get('embeddings'));
  const distractorDir = args.get('distractors');
  if (distractorDir) {
    const extra = await loadFaces(resolve(distractorDir), hdMode, (rel) => `distractor:${rel}`);
    faces.push(...extra.map((f) => ({ ...f, faceId: `distractor:${f.faceId}`, imageId: `distractor:${f.imageId}` })));
  }
  const random = seededRandom(seed);
  const half = args.get('half');
  if (half !== undefined) {
    if (half !== '1' && half !== '2') throw new Error('--half must be 1 or 2');
    const people = [...new Set(faces.map((f) => f.identity))].sort();
    for (let i = people.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [people[i], people[j]] = [people[j], people[i]];
    }
    const kept = new Set(half === '1' ? people.slice(0, people.length >> 1) : people.slice(people.length >> 1));
    faces.splice(0, faces.length, ...faces.filter((f) => kept.has(f.identity)));
  }
  for (let i = faces.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [faces[i], faces[j]] = [faces[j], faces[i]];
  }
  const photos = new Map<string, number>();
  for (const f of faces) photos.set(f.identity, (photos.get(f.identity) ?? 0) + 1);
  const truth = faces.map((f) => f.identity);
  const evaluated = faces.map((f) => (photos.get(f.identity) ?? 0) >= minPhotos);
  const hdShare = faces.filter((f) => f.isHD).length / faces.length;
  console.log(
    `faces ${faces.length}, identities ${photos.size}, with >= ${minPhotos} photos ${new Set(truth.filter((_, i) => evaluated[i])).size}, HD ${(100 * hdShare).toFixed(1)}% (--hd ${hdMode})`,
  );

  if (args.has('sweep')) {
    const grid = (args.get('sweep') === 'true' ? '0.35,0.4,0.45' : args.get('sweep')!).split(',').map(Number);
    for (const linkage of grid) {
      const r = await clusterBatch(
        faces,
        { ...options, linkageThreshold: linkage, groupMatchThreshold: linkage, joinThreshold: linkage },
        newId,
      );
      const m = evaluateClustering(
        r.assignments.map((a) => a.clusterId),
        truth,
        evaluated,
      );
      console.log(`batch linkage=${linkage}: ${fmt(m)}`);
      for (const join of grid.filter((j) => j >= linkage)) {
        const inc = await runIncremental(faces, batches, {
          ...options,
          linkageThreshold: linkage,
          groupMatchThreshold: linkage,
          joinThreshold: join,
        });
        const mi = evaluateClustering(inc.predicted, truth, evaluated);
        console.log(
          `  incremental linkage=${linkage} join=${join}: ${fmt(mi)} singletons clustered ${singletonsClustered(faces, inc.predicted, photos)}`,
        );
      }
    }
  }

  const batchStarted = Date.now();
  const batch = await clusterBatch(faces, options, newId);
  const batchPredicted = batch.assignments.map((a) => a.clusterId);
  const batchMetrics = evaluateClustering(batchPredicted, truth, evaluated);
  console.log(`batch (1 run, ${Date.now() - batchStarted} ms): ${fmt(batchMetrics)}`);

  const inc = await runIncremental(faces, batches, options);
  const m = evaluateClustering(inc.predicted, truth, evaluated);
  console.log(`incremental (${batches} batches, ${inc.millis} ms, ${inc.merges} merges): ${fmt(m)}`);
  const all = evaluateClustering(
    inc.predicted,
    truth,
    faces.map(() => true),
  );
  console.log(`incremental, all identities: ${fmt(all)}`);
  if (args.has('explain')) for (const line of explainMisses(faces, inc.predicted, evaluated)) console.log(`  ${line}`);
  const singles = [...photos.values()].filter((n) => n === 1).length;
  console.log(
    `singletons (people with one photo): ${singles}, clustered: incremental ${singletonsClustered(faces, inc.predicted, photos)}, batch ${singletonsClustered(faces, batchPredicted, photos)}`,
  );
  console.log(
    JSON.stringify({
      pairP: m.pairP,
      pairR: m.pairR,
      pairF: m.pairF,
      bcubedP: m.bcubedP,
      bcubedR: m.bcubedR,
      bcubedF: m.bcubedF,
      clusters: m.clusters,
      identities: m.identities,
      unclustered: m.unclustered,
      batchF: batchMetrics.bcubedF,
      batchPairF: batchMetrics.pairF,
      singletonsClustered: singletonsClustered(faces, inc.predicted, photos),
      hdShare,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
