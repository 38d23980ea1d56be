import { ClusterMemberRow } from '@app/database';
import { decodeEmbedding as bufferToEmbedding } from '@app/contracts';
import { statsOf } from './cluster-run.steps';

const member = (over: Partial<ClusterMemberRow>): ClusterMemberRow => ({
  id: 'f',
  fileId: 'file',
  clusterId: 'c',
  age: 30,
  gender: 'male',
  genderConfidence: 0.9,
  faceQuality: 0.9,
  sharpness: 0.8,
  pitch: 0,
  roll: 0,
  yaw: 0,
  eyesOpen: 1,
  width: 120,
  height: 120,
  isHD: true,
  ...over,
});

describe('cluster statistics', () => {
  it('computes exact IMM stats and picks the best face as cover, not the first', () => {
    const stats = statsOf('c', [
      member({
        id: 'a',
        fileId: 'x',
        age: 20,
        gender: 'female',
        yaw: 50,
        sharpness: 0.1,
        width: 40,
        height: 40,
        isHD: false,
      }),
      member({ id: 'b', fileId: 'x', age: 40, gender: 'female' }),
      member({ id: 'c', fileId: 'y', age: 30, gender: 'male', genderConfidence: 0.5 }),
    ]);
    expect(stats).toEqual({
      id: 'c',
      faceCount: 3,
      imageCount: 2,
      gender: 'female',
      averageAge: 30,
      minAge: 20,
      maxAge: 40,
      coverFigureId: 'b',
    });
  });

  it('leaves attributes empty when no member has them', () => {
    expect(statsOf('c', [member({ age: null, gender: null, genderConfidence: null })])).toMatchObject({
      gender: null,
      averageAge: null,
      minAge: null,
      maxAge: null,
      faceCount: 1,
    });
  });

  it('reads stored embeddings back bit for bit', () => {
    const buffer = Buffer.alloc(8);
    buffer.writeFloatLE(0.5, 0);
    buffer.writeFloatLE(-2, 4);
    expect(Array.from(bufferToEmbedding(buffer))).toEqual([0.5, -2]);
  });
});
