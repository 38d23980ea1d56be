import { buildSummary, seededRandom, serializeSummary } from '@app/clustering';
import { randomUnitVector, syntheticFace } from '@app/testing';
import { ClusterMatchIndex } from './cluster-match.index';

describe('ClusterMatchIndex', () => {
  it("finds a new photo's person among many clusters with its exact mean cosine to the members", async () => {
    const random = seededRandom(3);
    const index = new ClusterMatchIndex(512);
    const people = Array.from({ length: 300 }, () => randomUnitVector(random, 512));
    const summaries = people.map((vector, p) =>
      buildSummary(
        `c${p}`,
        Array.from({ length: 5 }, (_, n) => ({
          faceId: `f${p}-${n}`,
          imageId: `i${p}-${n}`,
          embedding: syntheticFace(random, vector),
          isHD: true,
          quality: 1,
        })),
      ),
    );
    await index.load(summaries.map((s) => ({ id: s.clusterId, summary: serializeSummary(s), version: 'v1' })));
    expect(index.size).toBe(300);

    const query = syntheticFace(random, people[42]);
    const [matches] = await index.match([query], 3);
    expect(matches[0].clusterId).toBe('c42');
    const s = summaries[42];
    let dot = 0;
    for (let d = 0; d < 512; d++) dot += query[d] * s.sum[d];
    expect(matches[0].cosine).toBeCloseTo(dot / s.count, 5);
    expect(matches[1].cosine).toBeLessThan(matches[0].cosine);

    index.remove(['c42']);
    const [after] = await index.match([query], 1);
    expect(after[0].clusterId).not.toBe('c42');
    expect(index.versions.has('c42')).toBe(false);
    expect(await index.match([], 3)).toEqual([]);
  });
});
