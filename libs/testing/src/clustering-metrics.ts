/** Clustering quality against ground-truth identities (for tests and benchmarks). */
export interface ClusteringMetrics {
  pairP: number;
  pairR: number;
  pairF: number;
  bcubedP: number;
  bcubedR: number;
  bcubedF: number;
  /** Predicted clusters (independent faces are not clusters). */
  clusters: number;
  /** Identities evaluated (those with `evaluated` faces). */
  identities: number;
  /** Share of evaluated faces left independent. */
  unclustered: number;
}

const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * `predicted[i]` is face i's cluster (null = independent, counted as a cluster of its own), `truth[i]` its
 * identity, `evaluated[i]` whether it belongs to the evaluated identities (e.g. people with >= 4 photos).
 * - pairwise precision: all predicted same-cluster pairs of the whole data set (distractors included);
 * - pairwise recall: same-identity pairs of evaluated faces that share a cluster;
 * - BCubed precision/recall: averaged over evaluated faces, against their full predicted cluster and full identity.
 */
export function evaluateClustering(
  predicted: ReadonlyArray<string | null>,
  truth: readonly string[],
  evaluated: readonly boolean[],
): ClusteringMetrics {
  const clusters = new Map<string, number[]>();
  predicted.forEach((c, i) => {
    if (c !== null) clusters.set(c, [...(clusters.get(c) ?? []), i]);
  });
  const identitySize = new Map<string, number>();
  truth.forEach((t) => identitySize.set(t, (identitySize.get(t) ?? 0) + 1));

  let predictedPairs = 0;
  let correctPairs = 0;
  const inCluster = new Map<number, { size: number; same: number }>();
  for (const members of clusters.values()) {
    const byIdentity = new Map<string, number>();
    for (const i of members) byIdentity.set(truth[i], (byIdentity.get(truth[i]) ?? 0) + 1);
    predictedPairs += (members.length * (members.length - 1)) / 2;
    for (const n of byIdentity.values()) correctPairs += (n * (n - 1)) / 2;
    for (const i of members) inCluster.set(i, { size: members.length, same: byIdentity.get(truth[i]) ?? 0 });
  }

  let truePairs = 0;
  let foundPairs = 0;
  const evalIdentities = new Set<string>();
  const evalClusterIdentity = new Map<string, number>();
  let bP = 0;
  let bR = 0;
  let n = 0;
  let unclustered = 0;
  predicted.forEach((c, i) => {
    if (!evaluated[i]) return;
    n++;
    evalIdentities.add(truth[i]);
    const info = inCluster.get(i) ?? { size: 1, same: 1 };
    if (c === null) unclustered++;
    else {
      const key = `${c}\u0000${truth[i]}`;
      evalClusterIdentity.set(key, (evalClusterIdentity.get(key) ?? 0) + 1);
    }
    bP += info.same / info.size;
    bR += info.same / (identitySize.get(truth[i]) ?? 1);
  });
  for (const id of evalIdentities) {
    const size = identitySize.get(id) ?? 0;
    truePairs += (size * (size - 1)) / 2;
  }
  for (const m of evalClusterIdentity.values()) foundPairs += (m * (m - 1)) / 2;

  const pairP = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const pairR = truePairs === 0 ? 1 : foundPairs / truePairs;
  const bcubedP = n === 0 ? 1 : bP / n;
  const bcubedR = n === 0 ? 1 : bR / n;
  return {
    pairP,
    pairR,
    pairF: f1(pairP, pairR),
    bcubedP,
    bcubedR,
    bcubedF: f1(bcubedP, bcubedR),
    clusters: clusters.size,
    identities: evalIdentities.size,
    unclustered: n === 0 ? 0 : unclustered / n,
  };
}
