import { addFacesToSummary, buildSummary, mergeSummaries } from '../cluster-summary';
import type { ClusterSummary, FaceInput } from '../clustering.types';
import type { RunState, WorkCluster } from '../run-state';

/**
 * summaries: the persisted state the run changed: a summary per cluster created in this run, and the new summary of
 * every existing cluster that grew or absorbed a merged cluster.
 */
export function summariesStage(s: RunState): { created: ClusterSummary[]; updated: ClusterSummary[] } {
  const maxReps = s.o.maxRepresentatives;
  const addedFaces = (c: WorkCluster): FaceInput[] => c.added.map((f) => s.faces[f]);
  const created = s.created.map((i) => buildSummary(s.clusters[i].id, addedFaces(s.clusters[i]), maxReps));
  const updated: ClusterSummary[] = [];
  const absorbedBy = new Map<WorkCluster, WorkCluster[]>();
  for (const m of s.clusters) {
    if (!m.mergedInto) continue;
    const r = s.root(m);
    absorbedBy.set(r, [...(absorbedBy.get(r) ?? []), m]);
  }
  for (const c of s.clusters) {
    if (!c.existing || c.mergedInto) continue;
    const absorbed = absorbedBy.get(c) ?? [];
    if (c.added.length === 0 && absorbed.length === 0) continue;
    let summary = c.added.length > 0 ? addFacesToSummary(c.existing, addedFaces(c), maxReps) : c.existing;
    for (const m of absorbed) {
      const mSummary =
        m.existing && m.added.length > 0 ? addFacesToSummary(m.existing, addedFaces(m), maxReps) : m.existing;
      if (mSummary) summary = mergeSummaries(summary, mSummary, maxReps);
    }
    updated.push(summary);
  }
  return { created, updated };
}
