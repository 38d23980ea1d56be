import { toFigureClusterId } from '@app/contracts';
import { CoverFile, FigureClusterEntity, FigureEntity } from '@app/database';
import type { ImmFigureCluster } from '../common/imm-responses';
import { IMM_OWNER_ID, immTime } from '../common/imm-schemas';
import { toImmFigure } from '../files/imm-file.mapper';

/** IMM FigureCluster object; Cover is an IMM File object: the cover face's file with that one face in Figures. */
export function toImmFigureCluster(
  cluster: FigureClusterEntity,
  names: { projectName: string; datasetName: string },
  cover?: { figure: FigureEntity; uri: string; file?: CoverFile },
): ImmFigureCluster {
  return {
    ObjectId: toFigureClusterId(cluster.id),
    ObjectType: 'figure-cluster',
    OwnerId: IMM_OWNER_ID,
    ProjectName: names.projectName,
    DatasetName: names.datasetName,
    Name: cluster.name,
    CustomLabels: cluster.customLabels,
    MetaLockVersion: cluster.metaLockVersion,
    FaceCount: cluster.faceCount,
    ImageCount: cluster.imageCount,
    VideoCount: cluster.videoCount,
    Gender: cluster.gender ?? undefined,
    AverageAge: cluster.averageAge === null ? undefined : Number(cluster.averageAge.toFixed(1)),
    MinAge: cluster.minAge === null ? undefined : Math.round(cluster.minAge),
    MaxAge: cluster.maxAge === null ? undefined : Math.round(cluster.maxAge),
    Cover: cover
      ? {
          ObjectType: 'file',
          ObjectId: cover.file?.id ?? cover.figure.fileId,
          OwnerId: IMM_OWNER_ID,
          ProjectName: names.projectName,
          DatasetName: names.datasetName,
          URI: cover.uri,
          MediaType: cover.file?.mediaType,
          ImageWidth: cover.file?.imageWidth ?? undefined,
          ImageHeight: cover.file?.imageHeight ?? undefined,
          FigureCount: cover.file?.figureCount,
          Figures: [toImmFigure(cover.figure)],
        }
      : undefined,
    CreateTime: immTime(cluster.createTime),
    UpdateTime: immTime(cluster.updateTime),
  };
}
