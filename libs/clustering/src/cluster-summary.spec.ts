import {
  addFacesToSummary,
  buildSummary,
  clusterCohesion,
  faceToClusterSimilarity,
  removeFacesFromSummary,
  summaryLinkage,
} from './cluster-summary';
import { deserializeSummary, serializeSummary } from './summary-serializer';
import { syntheticPeople } from '@app/testing';

const [person, other] = syntheticPeople([6, 3], 11, { dim: 64 }).map((p) => p.faces);

describe('cluster summaries', () => {
  it('round-trips through serializeSummary / deserializeSummary', () => {
    const s = buildSummary('Cluster-6f1c0b9e-1111-4e2a-9c55-0123456789ab', person, 4);
    const buf = serializeSummary(s);
    expect(buf.length).toBeLessThan(64 * 4 * 5 + 4 * 6 + 200);
    const back = deserializeSummary(buf);
    expect(back).toEqual(s);
    expect(() => deserializeSummary(Buffer.from('nope-nope-nope-nope'))).toThrow('not a cluster summary');
  });

  it('keeps the highest-quality members as representatives', () => {
    const s = buildSummary('c', person, 2);
    const best = [...person]
      .sort((a, b) => b.quality - a.quality)
      .slice(0, 2)
      .map((f) => f.faceId);
    expect(s.representativeFaceIds).toEqual(best);
    expect(s.representatives).toHaveLength(2 * 64);
  });

  it('adding and removing faces is exact for count, sum and images', () => {
    const base = buildSummary('c', person.slice(0, 4));
    const grown = addFacesToSummary(base, person.slice(4));
    const full = buildSummary('c', person);
    expect(grown.count).toBe(6);
    expect(Array.from(grown.imageHashes)).toEqual(Array.from(full.imageHashes));
    grown.sum.forEach((v, i) => expect(v).toBeCloseTo(full.sum[i], 5));
    const shrunk = removeFacesFromSummary(grown, person.slice(4));
    expect(shrunk?.count).toBe(4);
    shrunk?.sum.forEach((v, i) => expect(v).toBeCloseTo(base.sum[i], 5));
    expect(Array.from(shrunk?.imageHashes ?? [])).toEqual(Array.from(base.imageHashes));
    expect(removeFacesFromSummary(base, person.slice(0, 4))).toBeNull();
  });

  it('linkage from sums equals the mean pairwise cosine', () => {
    const a = buildSummary('a', person);
    const b = buildSummary('b', other);
    expect(summaryLinkage(a, a)).toBeGreaterThan(0.5);
    expect(Math.abs(summaryLinkage(a, b))).toBeLessThan(0.3);
    expect(faceToClusterSimilarity(person[0].embedding, buildSummary('x', person.slice(1)))).toBeGreaterThan(0.5);
  });

  it('clusterCohesion is the exact mean pairwise cosine of the members', () => {
    const s = buildSummary('c', person, 4);
    const cosine = (x: Float32Array, y: Float32Array): number => {
      let d = 0;
      let nx = 0;
      let ny = 0;
      for (let k = 0; k < x.length; k++) {
        d += x[k] * y[k];
        nx += x[k] * x[k];
        ny += y[k] * y[k];
      }
      return d / Math.sqrt(nx * ny);
    };
    let total = 0;
    let pairs = 0;
    for (let i = 0; i < person.length; i++)
      for (let j = 0; j < person.length; j++) {
        if (i === j) continue;
        total += cosine(person[i].embedding, person[j].embedding);
        pairs++;
      }
    expect(clusterCohesion(s.sum, s.count)).toBeCloseTo(total / pairs, 4);
    expect(clusterCohesion(person[0].embedding, 1)).toBe(1);
  });
});
