import { clusterIncremental } from './cluster-incremental';
import { ClusteringIndex, RunScopeLoader } from './clustering-index';
import type { ClusterSummary, ClusteringResult, FaceInput } from './clustering.types';
import { syntheticPeople } from '@app/testing';

const DIM = 64;

function idFactory(): () => string {
  let n = 0;
  return () => `Cluster-${++n}`;
}

/** The caller-side state (what the clusterer app keeps in Postgres) and a loader over it that counts loads. */
class State {
  clusters = new Map<string, ClusterSummary>();
  candidates = new Map<string, FaceInput>();
  loadedClusters = 0;

  apply(faces: FaceInput[], r: ClusteringResult): void {
    for (const m of r.merges) this.clusters.delete(m.from);
    for (const c of [...r.createdClusters, ...r.updatedClusters]) this.clusters.set(c.clusterId, c);
    for (const f of faces) this.candidates.set(f.faceId, f);
    for (const a of r.assignments) if (a.clusterId !== null) this.candidates.delete(a.faceId);
  }

  loader(): RunScopeLoader {
    return {
      clusters: (ids) => {
        this.loadedClusters += ids.length;
        return Promise.resolve(ids.flatMap((id) => this.clusters.get(id) ?? []));
      },
      candidates: (ids) => Promise.resolve(ids.flatMap((id) => this.candidates.get(id) ?? [])),
    };
  }
}

const sorted = (r: ClusteringResult) =>
  [...r.assignments].sort((a, b) => a.faceId.localeCompare(b.faceId)).map((a) => [a.faceId, a.clusterId, a.reason]);

describe('ClusteringIndex', () => {
  it('scoped runs decide exactly like runs over the whole state, and load only what they touch', async () => {
    // 120 people with 1..8 photos; photos arrive in 4 batches.
    const people = syntheticPeople(
      Array.from({ length: 120 }, (_, i) => 1 + (i % 8)),
      11,
      { dim: DIM, hdShare: 0.85 },
    );
    const batches: FaceInput[][] = [[], [], [], []];
    people.forEach((p) => p.faces.forEach((f, j) => batches[(j + p.personId) % 4].push(f)));

    const full = new State();
    const scoped = new State();
    const index = ClusteringIndex.create(DIM);
    const fullIds = idFactory();
    const scopedIds = idFactory();
    for (const batch of batches) {
      const a = await clusterIncremental(
        { clusters: [...full.clusters.values()], candidates: [...full.candidates.values()], newFaces: batch },
        fullIds,
      );
      full.apply(batch, a);

      const { input, stats } = await index.scope(batch, scoped.loader());
      const b = await clusterIncremental(input, scopedIds);
      scoped.apply(batch, b);
      await index.apply({ result: b, newFaces: batch });

      expect(sorted(b)).toEqual(sorted(a));
      expect(b.merges).toEqual(a.merges);
      expect(stats.clusters).toBeLessThanOrEqual(scoped.clusters.size);
      expect(index.clusters.size).toBe(scoped.clusters.size);
      expect(index.candidates.size).toBe(scoped.candidates.size);
    }
    expect(scoped.clusters.size).toBeGreaterThan(50);
  });

  it('loads only the clusters near the new faces', async () => {
    const dim = 512; // the real model's: unrelated people then sit near cosine 0 +- 0.045
    const people = syntheticPeople(
      Array.from({ length: 200 }, () => 4),
      12,
      { dim },
    );
    const state = new State();
    const index = ClusteringIndex.create(dim);
    const first = people.flatMap((p) => p.faces.slice(0, 3));
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: first }, idFactory());
    state.apply(first, r);
    await index.apply({ result: r, newFaces: first });
    expect(index.clusters.size).toBe(state.clusters.size);
    expect(index.clusters.size).toBeGreaterThan(190);

    const clustered = new Set(r.assignments.filter((a) => a.clusterId !== null).map((a) => a.faceId));
    const next = people
      .filter((p) => clustered.has(p.faces[0].faceId))
      .slice(0, 5)
      .map((p) => p.faces[3]);
    const { input } = await index.scope(next, state.loader());
    expect(input.clusters.length).toBeLessThan(10);
    const r2 = await clusterIncremental(input, idFactory());
    expect(r2.assignments.every((a) => a.reason === 'joined-existing')).toBe(true);
    expect(new Set(r2.assignments.map((a) => a.clusterId)).size).toBe(5);
    expect(state.loadedClusters).toBe(input.clusters.length);
  });

  it('follows deletions and rebuilt clusters, and leaves out what the loader no longer has', async () => {
    const [a, b] = syntheticPeople([3, 3], 13, { dim: DIM });
    const state = new State();
    const index = ClusteringIndex.create(DIM);
    const faces = [...a.faces, ...b.faces];
    const r = await clusterIncremental({ clusters: [], candidates: [], newFaces: faces }, idFactory());
    state.apply(faces, r);
    await index.apply({ result: r, newFaces: faces });
    const [ca, cb] = r.createdClusters;
    state.clusters.delete(ca.clusterId);
    await index.apply({ deletedClusters: [ca.clusterId], rebuilt: [cb] });
    expect(index.clusters.has(ca.clusterId)).toBe(false);
    expect(index.clusters.has(cb.clusterId)).toBe(true);
    // A cluster the index still lists but the store no longer has is simply not loaded.
    await index.addClusters([ca]);
    const { input } = await index.scope([a.faces[0]], state.loader());
    expect(input.clusters.map((c) => c.clusterId)).not.toContain(ca.clusterId);
  });
});
