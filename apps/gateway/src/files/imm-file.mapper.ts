import { figureClusterIdOf as encodeFigureClusterId, FigureClusterState } from '@app/contracts';
import { FigureEntity, FileEntity } from '@app/database';
import type { ImmFigure, ImmFile } from '../common/imm-responses';
import { IMM_OWNER_ID, immETag, immTime } from '../common/imm-schemas';

/** The IMM FigureClusterId of a face (the one codec in @app/contracts). */
export function figureClusterIdOf(figure: Pick<FigureEntity, 'clusterId' | 'clusterState'>): string {
  // The column holds a FigureClusterState (see the entity); any other value reads as unavailable.
  return encodeFigureClusterId(figure.clusterId ?? null, figure.clusterState as FigureClusterState);
}

const round = (value: number | null, digits = 3): number | undefined =>
  value === null || value === undefined ? undefined : Number(value.toFixed(digits));

/** IMM Figure object (a face in a file). */
export function toImmFigure(figure: FigureEntity): ImmFigure {
  return {
    FigureId: figure.id,
    FigureType: 'face',
    FigureClusterId: figureClusterIdOf(figure),
    FigureConfidence: round(figure.figureConfidence),
    Boundary: { Left: figure.left, Top: figure.top, Width: figure.width, Height: figure.height },
    HeadPose: { Pitch: round(figure.pitch, 2), Roll: round(figure.roll, 2), Yaw: round(figure.yaw, 2) },
    FaceQuality: round(figure.faceQuality),
    Age: figure.age === null ? undefined : Math.round(figure.age),
    AgeSD: round(figure.ageSD, 2),
    Gender: figure.gender ?? undefined,
    GenderConfidence: round(figure.genderConfidence),
    Emotion: figure.emotion ?? undefined,
    EmotionConfidence: round(figure.emotionConfidence),
    Mouth: figure.mouth ?? undefined,
    MouthConfidence: round(figure.mouthConfidence),
    Sharpness: round(figure.sharpness),
  };
}

function basename(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash >= 0 ? key.slice(slash + 1) : key;
}

/** IMM File object with its Figures. */
export function toImmFile(
  file: FileEntity,
  figures: FigureEntity[],
  names: { projectName: string; datasetName: string },
): ImmFile {
  const extra = (file.extra ?? {}) as Record<string, unknown>;
  return {
    ProjectName: names.projectName,
    DatasetName: names.datasetName,
    ObjectType: 'file',
    ObjectId: file.id,
    OwnerId: IMM_OWNER_ID,
    URI: file.uri,
    Filename: basename(file.objectKey),
    MediaType: file.mediaType,
    ContentType: file.contentType ?? (typeof extra['ContentType'] === 'string' ? extra['ContentType'] : undefined),
    FileHash: typeof extra['FileHash'] === 'string' ? extra['FileHash'] : undefined,
    ETag: immETag(file.etag),
    Size: file.size ?? undefined,
    CustomId: file.customId ?? undefined,
    CustomLabels: file.customLabels,
    ImageWidth: file.imageWidth ?? undefined,
    ImageHeight: file.imageHeight ?? undefined,
    FileModifiedTime: immTime(file.fileModifiedTime),
    CreateTime: immTime(file.createTime),
    UpdateTime: immTime(file.updateTime),
    FigureCount: file.figureCount,
    Figures: figures.map(toImmFigure),
    // Not in IMM's File: where indexing stands, and why it failed (IMM only tells this through the task).
    IndexStatus: indexStatusOf(file.status),
    ...(file.status === 'failed'
      ? { IndexError: { Code: file.errorCode ?? 'InternalError', Message: file.errorMessage ?? '' } }
      : {}),
  };
}

function indexStatusOf(status: string): 'Pending' | 'Indexed' | 'Failed' {
  if (status === 'indexed') return 'Indexed';
  if (status === 'failed') return 'Failed';
  return 'Pending';
}

/** IMM WithFields: keep only the named top-level fields (or `Figures.<Field>` sub-fields of each figure). */
export function selectFields(immFile: ImmFile, withFields: string[] | undefined): Partial<ImmFile> {
  if (!withFields || withFields.length === 0) return immFile;
  const file = immFile as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const figureFields: string[] = [];
  for (const field of withFields) {
    if (field.startsWith('Figures.')) figureFields.push(field.slice('Figures.'.length));
    else if (Object.hasOwn(file, field)) out[field] = file[field];
  }
  if (figureFields.length > 0 && Array.isArray(file['Figures'])) {
    const figures = file['Figures'] as Array<Record<string, unknown>>;
    const keep = out['Figures'] === undefined;
    if (keep)
      out['Figures'] = figures.map((f) =>
        Object.fromEntries(figureFields.filter((k) => Object.hasOwn(f, k)).map((k) => [k, f[k]])),
      );
  }
  return out;
}

/** Groups figures by file id, keeping their order. */
export function figuresByFile(figures: FigureEntity[]): Map<string, FigureEntity[]> {
  const map = new Map<string, FigureEntity[]>();
  for (const figure of figures) {
    const list = map.get(figure.fileId);
    if (list) list.push(figure);
    else map.set(figure.fileId, [figure]);
  }
  return map;
}
