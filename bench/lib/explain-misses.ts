import { addInto, clusterCohesion, dot, type FaceInput, normalized } from '@app/clustering';

export interface ExplainedFace extends FaceInput {
  identity: string;
}

/**
 * Where a clustering loses recall and precision, for `bench:cluster --explain`: for every evaluated person, the "home" cluster
 * (the one holding most of their faces) and each of their faces outside it, with its mean cosine to the home
 * cluster's members (from the final clusters, the face itself left out), the cluster's cohesion and size, and the
 * best other cluster it reaches. People without any cluster are listed with their HD photo count; then every face in
 * a cluster whose majority is another person (INTRUDER), with its mean cosine to that cluster.
 */
export function explainMisses(
  faces: readonly ExplainedFace[],
  predicted: ReadonlyArray<string | null>,
  evaluated: readonly boolean[],
): string[] {
  const dim = faces[0]?.embedding.length ?? 0;
  const unit = faces.map((f) => normalized(f.embedding));
  const sums = new Map<string, { sum: Float32Array; count: number; identities: Map<string, number> }>();
  predicted.forEach((c, i) => {
    if (c === null) return;
    let s = sums.get(c);
    if (!s) sums.set(c, (s = { sum: new Float32Array(dim), count: 0, identities: new Map() }));
    addInto(s.sum, unit[i], 0, dim);
    s.count++;
    s.identities.set(faces[i].identity, (s.identities.get(faces[i].identity) ?? 0) + 1);
  });
  // The person holding most of each cluster's faces.
  const owners = new Map<string, string>();
  for (const [c, s] of sums) {
    let most = -1;
    for (const [id, k] of s.identities) {
      if (k <= most) continue;
      most = k;
      owners.set(c, id);
    }
  }
  const majority = (c: string): string => owners.get(c)!;
  const byIdentity = new Map<string, number[]>();
  faces.forEach((f, i) => {
    if (evaluated[i]) byIdentity.set(f.identity, [...(byIdentity.get(f.identity) ?? []), i]);
  });
  const meanTo = (i: number, c: string): number => {
    const s = sums.get(c)!;
    const self = predicted[i] === c;
    const n = s.count - (self ? 1 : 0);
    return n === 0 ? 0 : (dot(unit[i], 0, s.sum, 0, dim) - (self ? 1 : 0)) / n;
  };
  const lines: string[] = [];
  let missed = 0;
  for (const [identity, idxs] of [...byIdentity].sort()) {
    const counts = new Map<string, number>();
    for (const i of idxs) if (predicted[i] !== null) counts.set(predicted[i], (counts.get(predicted[i]) ?? 0) + 1);
    const home = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!home) {
      const hd = idxs.filter((i) => faces[i].isHD).length;
      lines.push(`NO CLUSTER ${identity}: ${idxs.length} faces, ${hd} HD`);
      missed += idxs.length;
      continue;
    }
    const h = sums.get(home)!;
    for (const i of idxs) {
      if (predicted[i] === home) continue;
      missed++;
      let other = '';
      let otherScore = -1;
      for (const c of sums.keys()) {
        if (c === home) continue;
        const s = meanTo(i, c);
        if (s > otherScore) [other, otherScore] = [c, s];
      }
      const where = predicted[i] === null ? 'independent' : `in ${majority(predicted[i])}'s`;
      lines.push(
        `${faces[i].faceId} ${faces[i].isHD ? 'HD' : 'non-HD'} q=${faces[i].quality.toFixed(2)} ${where}: ` +
          `home ${meanTo(i, home).toFixed(3)} (n=${h.count}, cohesion ${clusterCohesion(h.sum, h.count).toFixed(3)}), ` +
          `best other ${otherScore.toFixed(3)}${other ? ` (${majority(other)})` : ''}`,
      );
    }
  }
  lines.push(`faces outside their home cluster: ${missed}`);
  let intruders = 0;
  for (const [c, s] of sums) {
    const owner = majority(c);
    predicted.forEach((p, i) => {
      if (p !== c || faces[i].identity === owner) return;
      intruders++;
      lines.push(
        `INTRUDER ${faces[i].faceId} ${faces[i].isHD ? 'HD' : 'non-HD'} q=${faces[i].quality.toFixed(2)} in ${owner}'s ` +
          `(n=${s.count}, ${s.identities.get(owner)} theirs, cohesion ${clusterCohesion(s.sum, s.count).toFixed(3)}): ${meanTo(i, c).toFixed(3)}`,
      );
    });
  }
  lines.push(`faces in another person's cluster: ${intruders}`);
  return lines;
}
