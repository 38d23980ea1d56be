import { chooseCover } from './choose-cover';
import { computeClusterStats } from './cluster-stats';

describe('chooseCover', () => {
  it('prefers a frontal, sharp, large, eyes-open face', () => {
    const faces = [
      {
        faceId: 'profile',
        quality: 0.9,
        sharpness: 0.9,
        headPose: { pitch: 0, roll: 0, yaw: 70 },
        eyesOpen: 1,
        width: 200,
        height: 200,
      },
      {
        faceId: 'blurry',
        quality: 0.9,
        sharpness: 0.1,
        headPose: { pitch: 0, roll: 0, yaw: 0 },
        eyesOpen: 1,
        width: 200,
        height: 200,
      },
      {
        faceId: 'tiny',
        quality: 0.9,
        sharpness: 0.9,
        headPose: { pitch: 0, roll: 0, yaw: 0 },
        eyesOpen: 1,
        width: 30,
        height: 30,
      },
      {
        faceId: 'good',
        quality: 0.85,
        sharpness: 0.9,
        headPose: { pitch: 5, roll: 2, yaw: 5 },
        eyesOpen: 0.9,
        width: 180,
        height: 200,
      },
      {
        faceId: 'closed',
        quality: 0.9,
        sharpness: 0.9,
        headPose: { pitch: 0, roll: 0, yaw: 0 },
        eyesOpen: false,
        width: 200,
        height: 200,
      },
    ];
    expect(chooseCover(faces)?.faceId).toBe('good');
    expect(chooseCover([])).toBeUndefined();
    expect(chooseCover([{ faceId: 'b' }, { faceId: 'a' }])?.faceId).toBe('a');
  });
});

describe('computeClusterStats', () => {
  it('computes counts, gender majority and ages', () => {
    const stats = computeClusterStats([
      { imageId: 'i1', age: 30, gender: 'female' },
      { imageId: 'i2', age: 34, gender: 'female' },
      { imageId: 'i2', age: 20, gender: 'male' },
      { imageId: 'i3' },
    ]);
    expect(stats).toEqual({
      faceCount: 4,
      imageCount: 2 + 1,
      gender: 'female',
      averageAge: 28,
      minAge: 20,
      maxAge: 34,
    });
    expect(computeClusterStats([])).toEqual({
      faceCount: 0,
      imageCount: 0,
      gender: undefined,
      averageAge: undefined,
      minAge: undefined,
      maxAge: undefined,
    });
    expect(
      computeClusterStats([
        { imageId: 'a', gender: 'male', genderConfidence: 0.6 },
        { imageId: 'b', gender: 'female', genderConfidence: 0.9 },
      ]).gender,
    ).toBe('female');
  });
});
