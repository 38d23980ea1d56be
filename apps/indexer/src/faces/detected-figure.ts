import { DetectedFigure } from '@app/contracts';
import { DetectedFace } from '@app/inference';

/** A detected face's figure fields (box, quality and attributes), as DetectImageFaces returns and indexing stores them. */
export function toDetectedFigure(face: DetectedFace): DetectedFigure {
  return {
    left: face.boundary.left,
    top: face.boundary.top,
    width: face.boundary.width,
    height: face.boundary.height,
    figureConfidence: face.figureConfidence,
    faceQuality: face.faceQuality,
    sharpness: face.sharpness,
    age: face.age ?? null,
    ageSD: face.ageSD ?? null,
    gender: face.gender ?? null,
    genderConfidence: face.genderConfidence ?? null,
    pitch: face.headPose?.pitch ?? null,
    roll: face.headPose?.roll ?? null,
    yaw: face.headPose?.yaw ?? null,
    emotion: face.emotion ?? null,
    emotionConfidence: face.emotionConfidence ?? null,
    mouth: face.mouth,
    mouthConfidence: face.mouthConfidence,
  };
}
