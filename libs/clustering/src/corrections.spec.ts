import { buildSummary } from './cluster-summary';
import type { FaceInput } from './clustering.types';
import { ClusterMember, NO_CONSTRAINTS, suggestCorrections } from './corrections';

const DIM = 8;

/** A unit vector mostly along `axis`, tilted towards `towards` by `tilt`. */
function vec(axis: number, tilt = 0, towards = (axis + 1) % DIM): Float32Array {
  const v = new Float32Array(DIM);
  v[axis] = 1;
  v[towards] += tilt;
  return v;
}

function face(id: string, embedding: Float32Array, imageId = `img-${id}`): FaceInput {
  return { faceId: id, imageId, embedding, isHD: true, quality: 0.9 };
}

function member(clusterId: string, f: FaceInput): ClusterMember {
  return { ...f, clusterId, similarity: 0.5 };
}

describe('suggestCorrections', () => {
  // Person A split into a1 (3 faces) and a2 (2 faces); person B in b; one face of B (b-intruder) sits in a1.
  const a1Faces = [face('a1-0', vec(0, 0.1)), face('a1-1', vec(0, 0.2)), face('a1-2', vec(0, 0.15))];
  const intruder = face('b-intruder', vec(3, 0.1));
  const a2Faces = [face('a2-0', vec(0, 0.12)), face('a2-1', vec(0, 0.18))];
  const bFaces = [face('b-0', vec(3, 0.05)), face('b-1', vec(3, 0.2)), face('b-2', vec(3, 0.12))];
  const clusters = [buildSummary('a1', [...a1Faces, intruder]), buildSummary('a2', a2Faces), buildSummary('b', bFaces)];
  const members = [...a1Faces, intruder].map((f) => member('a1', f));

  it('suggests the split person as one, and the intruder as belonging to the other cluster', async () => {
    const s = await suggestCorrections({ clusters, members });
    expect(s.samePerson[0]).toMatchObject({ a: 'a1', b: 'a2', facesA: 4, facesB: 2 });
    expect(s.samePerson.some((p) => [p.a, p.b].includes('b') && [p.a, p.b].includes('a2'))).toBe(false);
    expect(s.faceMoves).toHaveLength(1);
    expect(s.faceMoves[0]).toMatchObject({ faceId: 'b-intruder', from: 'a1', to: 'b' });
    expect(s.faceMoves[0].similarityOther).toBeGreaterThan(s.faceMoves[0].similarityOwn);
  });

  it('leaves out what the user already decided', async () => {
    const s = await suggestCorrections({
      clusters,
      members,
      constraints: { ...NO_CONSTRAINTS, differentPeople: [['a2', 'a1']], rejectedFaces: [] },
    });
    expect(s.samePerson.some((p) => [p.a, p.b].sort().join() === 'a1,a2')).toBe(false);
    const pinned = await suggestCorrections({
      clusters,
      members,
      constraints: { ...NO_CONSTRAINTS, pinnedFaceIds: new Set(['b-intruder']) },
    });
    expect(pinned.faceMoves).toEqual([]);
    const rejected = await suggestCorrections({
      clusters,
      members,
      constraints: { ...NO_CONSTRAINTS, rejectedFaces: [{ faceId: 'b-intruder', clusterId: 'b' }] },
    });
    expect(rejected.faceMoves).toEqual([]);
  });

  it('never suggests two clusters that share an image', async () => {
    const shared = [
      buildSummary('x', [face('x-0', vec(5, 0.1), 'same-photo'), face('x-1', vec(5, 0.2))]),
      buildSummary('y', [face('y-0', vec(5, 0.15), 'same-photo'), face('y-1', vec(5, 0.1))]),
    ];
    expect((await suggestCorrections({ clusters: shared })).samePerson).toEqual([]);
  });
});
