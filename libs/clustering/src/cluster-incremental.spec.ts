import { clusterBatch, clusterIncremental } from './cluster-incremental';
import { buildSummary } from './cluster-summary';
import type { ClusteringOptions } from './clustering-options';
import type { ClusterSummary, ClusteringResult, FaceInput } from './clustering.types';
import { syntheticPeople } from '@app/testing';

const DIM = 128;

/** A DIM-d vector with these (index, value) coordinates, 0 elsewhere. */
function sparse(coords: Array<[number, number]>): Float32Array {
  const e = new Float32Array(DIM);
  for (const [i, v] of coords) e[i] = v;
  return e;
}

/** A unit vector at cosine x to the first axis (the rest of it on the second). */
function atCosine(x: number): Float32Array {
  return sparse([
    [0, x],
    [1, Math.sqrt(1 - x * x)],
  ]);
}

function idFactory(prefix = 'Cluster-'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

function people(sizes: number[], seed: number, hdShare = 1): FaceInput[][] {
  return syntheticPeople(sizes, seed, { dim: DIM, hdShare }).map((p) => p.faces);
}

function clusterOf(result: ClusteringResult, faceId: string): string | null | undefined {
  return result.assignments.find((a) => a.faceId === faceId)?.clusterId;
}

/** Applies a run's result to the caller-side state, as the clusterer app would. */
function applyRun(
  state: { clusters: ClusterSummary[]; candidates: FaceInput[] },
  faces: FaceInput[],
  r: ClusteringResult,
) {
  const removed = new Set(r.merges.map((m) => m.from));
  const changed = new Map([...r.updatedClusters, ...r.createdClusters].map((c) => [c.clusterId, c]));
  const clusters = state.clusters.filter((c) => !removed.has(c.clusterId) && !changed.has(c.clusterId));
  clusters.push(...changed.values());
  const assigned = new Set(r.assignments.filter((a) => a.clusterId !== null).map((a) => a.faceId));
  const pool = [...state.candidates, ...faces].filter((f) => !assigned.has(f.faceId));
  return { clusters, candidates: pool };
}

describe('clusterIncremental', () => {
  it('creates a cluster only from 3 distinct HD images of one person', async () => {
    const [two, three] = people([2, 3], 1);
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: [...two, ...three] }, idFactory());
    expect(two.map((f) => clusterOf(r, f.faceId))).toEqual([null, null]);
    const ids = new Set(three.map((f) => clusterOf(r, f.faceId)));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^Cluster-/);
    expect(r.createdClusters).toHaveLength(1);
    expect(r.createdClusters[0].count).toBe(3);
  });

  it('names clusters Cluster-<uuid> by default', async () => {
    const [person] = people([3], 12);
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: person });
    expect(r.createdClusters[0].clusterId).toMatch(
      /^Cluster-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('does not seed a cluster from non-HD faces', async () => {
    const [person] = people([6], 2);
    const faces = person.map((f, i) => ({ ...f, isHD: i < 2 }));
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: faces }, idFactory());
    expect(r.createdClusters).toHaveLength(0);
    expect(r.assignments.every((a) => a.clusterId === null)).toBe(true);
  });

  it('counts images, not faces: two faces of one image never share a cluster', async () => {
    const [person] = people([4], 3);
    // Faces 0 and 1 come from the same image (e.g. a photo containing a printed portrait of the same person).
    person[1] = { ...person[1], imageId: person[0].imageId };
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: person }, idFactory());
    expect(r.createdClusters).toHaveLength(1);
    expect(clusterOf(r, person[0].faceId) === clusterOf(r, person[1].faceId)).toBe(false);

    // A later face of an image already in the cluster does not join it either.
    const sameImage = { ...person[2], faceId: 'late-face', imageId: person[2].imageId };
    const r2 = await clusterIncremental(
      { clusters: r.createdClusters, candidates: [], newFaces: [sameImage] },
      idFactory('X-'),
    );
    expect(clusterOf(r2, 'late-face')).toBeNull();
  });

  it('keeps cluster ids stable across runs and lets non-HD faces join an existing cluster', async () => {
    const [person, other] = people([8, 3], 4);
    const first = await clusterIncremental(
      { clusters: [], candidates: [], newFaces: [...person.slice(0, 4), ...other] },
      idFactory('A-'),
    );
    const id = clusterOf(first, person[0].faceId);
    expect(id).toMatch(/^A-/);
    const state = applyRun({ clusters: [], candidates: [] }, [...person.slice(0, 4), ...other], first);
    const late = person.slice(4).map((f, i) => ({ ...f, isHD: i % 2 === 0 }));
    const second = await clusterIncremental({ ...state, newFaces: late }, idFactory('B-'));
    expect(late.map((f) => clusterOf(second, f.faceId))).toEqual(late.map(() => id));
    expect(second.createdClusters).toHaveLength(0);
    expect(second.updatedClusters.map((c) => c.clusterId)).toEqual([id]);
    expect(second.updatedClusters[0].count).toBe(8);
    expect(second.merges).toEqual([]);
  });

  it('lets earlier independents seed a cluster with new faces once 3 HD images agree', async () => {
    const [person] = people([3], 5);
    const first = await clusterIncremental({ clusters: [], candidates: [], newFaces: person.slice(0, 2) }, idFactory());
    expect(first.createdClusters).toHaveLength(0);
    const state = applyRun({ clusters: [], candidates: [] }, person.slice(0, 2), first);
    expect(state.candidates).toHaveLength(2);
    const second = await clusterIncremental({ ...state, newFaces: [person[2]] }, idFactory('N-'));
    expect(second.createdClusters).toHaveLength(1);
    const id = second.createdClusters[0].clusterId;
    expect(person.map((f) => clusterOf(second, f.faceId))).toEqual([id, id, id]);
    expect(second.assignments.filter((a) => a.reason === 'seeded-new')).toHaveLength(3);
  });

  it('an earlier independent joins an existing cluster when a new face brings it into the pool', async () => {
    const [person] = people([6], 6);
    const existing = buildSummary('Cluster-old', person.slice(0, 4));
    const r = await clusterIncremental(
      { clusters: [existing], candidates: [person[4]], newFaces: [person[5]] },
      idFactory(),
    );
    expect(clusterOf(r, person[4].faceId)).toBe('Cluster-old');
    expect(clusterOf(r, person[5].faceId)).toBe('Cluster-old');
  });

  it('merges two existing clusters of one person only as a recorded merge', async () => {
    const [person, other] = people([12, 5], 7);
    const big = buildSummary('Cluster-big', person.slice(0, 6));
    const small = buildSummary('Cluster-small', person.slice(6, 9));
    const stranger = buildSummary('Cluster-other', other);
    const r = await clusterIncremental(
      { clusters: [big, small, stranger], candidates: [], newFaces: person.slice(9) },
      idFactory(),
    );
    expect(r.merges).toEqual([
      expect.objectContaining({ from: 'Cluster-small', into: 'Cluster-big', reason: 'average-linkage' }),
    ]);
    expect(person.slice(9).map((f) => clusterOf(r, f.faceId))).toEqual(['Cluster-big', 'Cluster-big', 'Cluster-big']);
    expect(r.updatedClusters.map((c) => [c.clusterId, c.count])).toEqual([['Cluster-big', 12]]);
  });

  it('does not chain: a sequence of faces each close to the next is not one cluster', async () => {
    // Points on a circle, 40 degrees apart: neighbours have cosine 0.77, two steps 0.17, three steps -0.5.
    const faces: FaceInput[] = [];
    for (let t = 0; t < 9; t++) {
      const e = new Float32Array(DIM);
      e[0] = Math.cos((t * 40 * Math.PI) / 180);
      e[1] = Math.sin((t * 40 * Math.PI) / 180);
      faces.push({ faceId: `c${t}`, imageId: `i${t}`, embedding: e, isHD: true, quality: 1 });
    }
    const r = await clusterBatch(faces, undefined, idFactory());
    const byCluster = new Map<string, number[]>();
    r.assignments.forEach((a, t) => {
      if (a.clusterId) byCluster.set(a.clusterId, [...(byCluster.get(a.clusterId) ?? []), t]);
    });
    for (const members of byCluster.values()) expect(members.length).toBeLessThanOrEqual(3);
    expect(clusterOfBatch(r.assignments, 'c0')).not.toBe(clusterOfBatch(r.assignments, 'c8') ?? 'none');
  });

  it('batch clustering separates synthetic people with high precision', async () => {
    const sizes = [1, 1, 2, 3, 4, 5, 8, 12, 20, 1, 2, 6, 9, 3, 1];
    const groups = people(sizes, 8);
    const faces = groups.flat();
    const r = await clusterBatch(faces, undefined, idFactory());
    const person = new Map(groups.flatMap((g, p) => g.map((f) => [f.faceId, p] as const)));
    const members = new Map<string, number[]>();
    for (const a of r.assignments)
      if (a.clusterId) members.set(a.clusterId, [...(members.get(a.clusterId) ?? []), person.get(a.faceId)!]);
    for (const ps of members.values()) expect(new Set(ps).size).toBe(1);
    expect(members.size).toBe(sizes.filter((s) => s >= 3).length);
  });

  it('asks more of a face joining a small cluster than a large one (smallClusterMargin)', async () => {
    // Members all equal to u, so a face's mean cosine to a cluster is exactly its cosine to u (0.47 here).
    const u = atCosine(1);
    const member = (c: string, i: number): FaceInput => ({
      faceId: `${c}-m${i}`,
      imageId: `${c}-img${i}`,
      embedding: u,
      isHD: true,
      quality: 0.9,
    });
    const small = buildSummary(
      'small',
      [0, 1, 2].map((i) => member('small', i)),
    );
    const large = buildSummary(
      'large',
      Array.from({ length: 20 }, (_, i) => member('large', i)),
    );
    const face = (id: string): FaceInput => ({
      faceId: id,
      imageId: `img-${id}`,
      embedding: atCosine(0.47),
      isHD: true,
      quality: 0.9,
    });
    // join 0.42 + 0.27 / n, i.e. 0.51 for 3 members, 0.4335 for 20 (the cohesion rule off: these members are
    // identical, so it would ask 0.64 of both).
    const options = { joinThreshold: 0.42, smallClusterMargin: 0.27, cohesionRatio: 0 };
    const toSmall = await clusterIncremental({ clusters: [small], candidates: [], newFaces: [face('a')], options });
    expect(toSmall.assignments[0].clusterId).toBeNull();
    const toLarge = await clusterIncremental({ clusters: [large], candidates: [], newFaces: [face('b')], options });
    expect(toLarge.assignments[0]).toMatchObject({ clusterId: 'large', reason: 'joined-existing' });
    const noMargin = await clusterIncremental({
      clusters: [small],
      candidates: [],
      newFaces: [face('c')],
      options: { ...options, smallClusterMargin: 0 },
    });
    expect(noMargin.assignments[0].clusterId).toBe('small');
  });

  it('asks a face to reach a share of the cluster cohesion: more for a tight cluster than a loose one', async () => {
    // Members a*u + b*v_i (v_i orthonormal): pairwise cosine a^2, so cohesion 0.5 (loose) or 1 (tight).
    const a = Math.sqrt(0.5);
    const members = (c: string, loose: boolean): FaceInput[] =>
      Array.from({ length: 20 }, (_, i) => ({
        faceId: `${c}-m${i}`,
        imageId: `${c}-img${i}`,
        embedding: loose
          ? sparse([
              [0, a],
              [i + 2, a],
            ])
          : sparse([[0, 1]]),
        isHD: true,
        quality: 0.9,
      }));
    // Mean cosine 0.45 to either cluster (its cosine to u times the members' weight on u).
    const face = (id: string, loose: boolean): FaceInput => {
      const x = loose ? 0.45 / a : 0.45;
      return {
        faceId: id,
        imageId: `img-${id}`,
        embedding: atCosine(x),
        isHD: true,
        quality: 0.9,
      };
    };
    const options = { joinThreshold: 0.4, smallClusterMargin: 0, cohesionRatio: 0.64 };
    const loose = buildSummary('loose', members('loose', true));
    const tight = buildSummary('tight', members('tight', false));
    const toLoose = await clusterIncremental({
      clusters: [loose],
      candidates: [],
      newFaces: [face('a', true)],
      options,
    });
    expect(toLoose.assignments[0]).toMatchObject({ clusterId: 'loose', reason: 'joined-existing' });
    expect(toLoose.assignments[0].similarity).toBeCloseTo(0.45, 5);
    // The tight cluster asks 0.64 x 1: a face at 0.45 is further from it than its members are from each other.
    const toTight = await clusterIncremental({
      clusters: [tight],
      candidates: [],
      newFaces: [face('b', false)],
      options,
    });
    expect(toTight.assignments[0].clusterId).toBeNull();
    const ratioOff = await clusterIncremental({
      clusters: [tight],
      candidates: [],
      newFaces: [face('c', false)],
      options: { ...options, cohesionRatio: 0 },
    });
    expect(ratioOff.assignments[0].clusterId).toBe('tight');
  });

  it('asks a non-HD face for a smaller share of the cohesion than an HD face (cohesionRatioNonHD)', async () => {
    // 20 identical members (cohesion 1) and faces at cosine 0.61 to them: above 0.58 x 1, below 0.64 x 1.
    const u = atCosine(1);
    const tight = buildSummary(
      'tight',
      Array.from({ length: 20 }, (_, i) => ({
        faceId: `m${i}`,
        imageId: `img-m${i}`,
        embedding: u,
        isHD: true,
        quality: 0.9,
      })),
    );
    const face = (id: string, isHD: boolean): FaceInput => ({
      faceId: id,
      imageId: `img-${id}`,
      embedding: atCosine(0.61),
      isHD,
      quality: isHD ? 0.9 : 0.5,
    });
    const run = (f: FaceInput, options?: Partial<ClusteringOptions>) =>
      clusterIncremental({ clusters: [tight], candidates: [], newFaces: [f], options });
    expect((await run(face('hd', true))).assignments[0].clusterId).toBeNull();
    expect((await run(face('low', false))).assignments[0]).toMatchObject({ clusterId: 'tight' });
    expect((await run(face('low2', false), { cohesionRatioNonHD: 0.64 })).assignments[0].clusterId).toBeNull();
  });

  it('does not seed a cluster from two photos of one person and a lookalike that only the mean admits', async () => {
    // A1, A2: c*u + s*w_i (cosine 0.9 to each other); L at cosine 0.5 to both, so average linkage (0.46) joins
    // it to their pair. As a cluster of A1 and A2 it would need 0.64 x 0.9 = 0.576: it is not a consistent seed.
    const c = Math.sqrt(0.9);
    const s = Math.sqrt(0.1);
    const face = (id: string, embedding: Float32Array): FaceInput => ({
      faceId: id,
      imageId: `img-${id}`,
      embedding,
      isHD: true,
      quality: 0.9,
    });
    const a1 = face(
      'a1',
      sparse([
        [0, c],
        [1, s],
      ]),
    );
    const a2 = face(
      'a2',
      sparse([
        [0, c],
        [2, s],
      ]),
    );
    const x = 0.5 / c;
    const lookalike = face(
      'l',
      sparse([
        [0, x],
        [3, Math.sqrt(1 - x * x)],
      ]),
    );
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: [a1, a2, lookalike] }, idFactory());
    expect(r.createdClusters).toHaveLength(0);
    expect(r.assignments.every((a) => a.clusterId === null)).toBe(true);

    // A third photo of the person makes a consistent seed of three; the lookalike stays out of it.
    const a3 = face(
      'a3',
      sparse([
        [0, c],
        [4, s],
      ]),
    );
    const r2 = await clusterIncremental(
      { clusters: [], candidates: [], newFaces: [a1, a2, a3, lookalike] },
      idFactory(),
    );
    expect(r2.createdClusters).toHaveLength(1);
    expect(r2.createdClusters[0].count).toBe(3);
    expect(clusterOf(r2, 'l')).toBeNull();
  });

  it("keeps a new person's faces together instead of letting them join a lookalike's cluster one by one", async () => {
    // Seed 4 of bench:cluster on LFW: Saddam Hussein's faces joined Vicente Fox's cluster one at a time (each at
    // 0.41-0.46 >= the join bar), although they were at ~0.7 to each other; every wrong join lowered the cluster's
    // cohesion and so the bar for the next. Here: a cluster of 20 (members sqrt(0.6) u + sqrt(0.4) v_i, cohesion
    // 0.6) and 4 new faces of another person (x u + c w + d z_i): mean cosine 0.45 to the cluster, 0.75 to each other.
    const a = Math.sqrt(0.6);
    const members: FaceInput[] = Array.from({ length: 20 }, (_, i) => ({
      faceId: `x${i}`,
      imageId: `x-img${i}`,
      embedding: sparse([
        [0, a],
        [i + 2, Math.sqrt(0.4)],
      ]),
      isHD: true,
      quality: 0.9,
    }));
    const x = 0.45 / a;
    const c = Math.sqrt(0.75 - x * x);
    const newFaces: FaceInput[] = Array.from({ length: 4 }, (_, i) => ({
      faceId: `y${i}`,
      imageId: `y-img${i}`,
      embedding: sparse([
        [0, x],
        [1, c],
        [30 + i, 0.5],
      ]),
      isHD: true,
      quality: 0.9,
    }));
    const cluster = buildSummary('lookalike', members);
    const r = await clusterIncremental({ clusters: [cluster], candidates: [], newFaces }, idFactory());
    // Each face alone would pass the join bar (0.40 + 0.15/20, 0.64 x 0.6); the group as a whole is at 0.45 < 0.46.
    expect(r.assignments.every((s) => s.clusterId === 'Cluster-1' && s.reason === 'seeded-new')).toBe(true);
    expect(r.updatedClusters).toHaveLength(0);
    expect(r.createdClusters[0].count).toBe(4);

    // Faces that are closer to each other than to a cluster still join it when their group matches it as a whole.
    const own: FaceInput[] = Array.from({ length: 3 }, (_, i) => ({
      faceId: `o${i}`,
      imageId: `o-img${i}`,
      embedding: atCosine(0.95),
      isHD: true,
      quality: 0.9,
    }));
    const joined = await clusterIncremental({ clusters: [cluster], candidates: [], newFaces: own }, idFactory());
    expect(joined.assignments.map((s) => [s.clusterId, s.reason])).toEqual(
      own.map(() => ['lookalike', 'joined-existing']),
    );
  });

  it('re-offers the leftover faces of a run to the existing clusters that grew in it', async () => {
    const u = atCosine(1);
    const existing = buildSummary(
      'young',
      [0, 1, 2].map((i) => ({ faceId: `m${i}`, imageId: `m-img${i}`, embedding: u, isHD: true, quality: 0.9 })),
    );
    const options = { joinThreshold: 0.42, smallClusterMargin: 0.27, cohesionRatio: 0 };
    // Two new faces at 0.9 join at once; the third is at 0.49 to the 3 members (needs 0.51), but at 0.62 to the
    // 5 members after they joined (needs 0.474).
    const newFaces: FaceInput[] = [
      { faceId: 'a', imageId: 'img-a', embedding: atCosine(0.9), isHD: true, quality: 0.9 },
      { faceId: 'b', imageId: 'img-b', embedding: atCosine(0.9), isHD: true, quality: 0.9 },
      { faceId: 'c', imageId: 'img-c', embedding: atCosine(0.49), isHD: false, quality: 0.5 },
    ];
    const r = await clusterIncremental({ clusters: [existing], candidates: [], newFaces, options });
    expect(r.assignments.map((x) => [x.faceId, x.clusterId, x.reason])).toEqual([
      ['a', 'young', 'joined-existing'],
      ['b', 'young', 'joined-existing'],
      ['c', 'young', 'joined-existing'],
    ]);
    expect(r.updatedClusters[0].count).toBe(6);
  });

  it('re-offers the leftover faces of a run to the clusters seeded in it that grew after seeding', async () => {
    const options = { joinThreshold: 0.42, smallClusterMargin: 0.27, cohesionRatio: 0 };
    // Three HD faces seed a cluster; the non-HD face d (0.9 to them) joins it. The non-HD face c is at 0.49 to the
    // 3 seeded members (needs 0.51) but at 0.573 to the 4 members once d joined (needs 0.4875): it joins too.
    const newFaces: FaceInput[] = [
      ...[0, 1, 2].map((i) => ({
        faceId: `s${i}`,
        imageId: `img-s${i}`,
        embedding: atCosine(1),
        isHD: true,
        quality: 0.9,
      })),
      { faceId: 'c', imageId: 'img-c', embedding: atCosine(0.49), isHD: false, quality: 0.5 },
      { faceId: 'd', imageId: 'img-d', embedding: atCosine(0.9), isHD: false, quality: 0.5 },
    ];
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces, options }, idFactory());
    expect(r.assignments.map((x) => [x.faceId, x.clusterId, x.reason])).toEqual([
      ['s0', 'Cluster-1', 'seeded-new'],
      ['s1', 'Cluster-1', 'seeded-new'],
      ['s2', 'Cluster-1', 'seeded-new'],
      ['c', 'Cluster-1', 'joined-new'],
      ['d', 'Cluster-1', 'joined-new'],
    ]);
    expect(r.createdClusters[0].count).toBe(5);
  });
});

function clusterOfBatch(assignments: Array<{ faceId: string; clusterId: string | null }>, faceId: string) {
  return assignments.find((a) => a.faceId === faceId)?.clusterId;
}
