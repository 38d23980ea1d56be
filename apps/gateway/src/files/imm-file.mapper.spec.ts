import { FigureEntity } from '@app/database';
import { figureClusterIdOf, selectFields, toImmFigure } from './imm-file.mapper';

describe('IMM file mapping', () => {
  it('uses IMM reserved ids for faces without a cluster', () => {
    const id = '3f2b8a1c-1d2e-4f50-8a9b-0c1d2e3f4a5b';
    expect(figureClusterIdOf({ clusterId: id, clusterState: 'clustered' })).toBe(`Cluster-${id}`);
    expect(figureClusterIdOf({ clusterId: null, clusterState: 'independent' })).toBe('figure-cluster-id-independent');
    expect(figureClusterIdOf({ clusterId: null, clusterState: 'unavailable' })).toBe('figure-cluster-id-unavailable');
    expect(figureClusterIdOf({ clusterId: id, clusterState: 'unavailable' })).toBe('figure-cluster-id-unavailable');
  });

  it('maps a figure to IMM field names', () => {
    const figure = toImmFigure({
      id: 'f',
      clusterId: null,
      clusterState: 'unavailable',
      left: 1,
      top: 2,
      width: 3,
      height: 4,
      figureConfidence: 0.91234,
      pitch: 1.234,
      roll: 0,
      yaw: -2,
      faceQuality: 0.5,
      age: 29.6,
      ageSD: 3,
      gender: 'male',
      genderConfidence: 0.9,
      emotion: 'happy',
      emotionConfidence: 0.7,
      mouth: 'open',
      mouthConfidence: 0.8,
      sharpness: 0.4,
    } as FigureEntity);
    expect(figure).toMatchObject({
      FigureId: 'f',
      FigureType: 'face',
      Boundary: { Left: 1, Top: 2, Width: 3, Height: 4 },
      HeadPose: { Pitch: 1.23, Roll: 0, Yaw: -2 },
      Age: 30,
      FigureConfidence: 0.912,
    });
  });

  it('selects WithFields, including Figures sub-fields', () => {
    const file = { URI: 'u', Size: 1, Figures: [{ FigureId: 'a', Age: 3 }] };
    expect(selectFields(file, ['URI', 'Figures.Age'])).toEqual({ URI: 'u', Figures: [{ Age: 3 }] });
    expect(selectFields(file, undefined)).toBe(file);
  });
});
