import { toFigureClusterId } from '@app/contracts';
import { FigureClusterEntity, FigureEntity } from '@app/database';
import { immTime } from '../common/imm-schemas';
import { toImmFigure } from '../files/imm-file.mapper';

/** IMM FigureCluster object; Cover is the cover face with its file's URI. */
export function toImmFigureCluster(
  cluster: FigureClusterEntity,
  names: { projectName: string; datasetName: string },
  cover?: { figure: FigureEntity; uri: string },
): Record<string, unknown> {
  return {
    ObjectId: toFigureClusterId(cluster.id),
    ObjectType: 'figure-cluster',
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
    Cover: cover ? { URI: cover.uri, Figures: [toImmFigure(cover.figure)] } : undefined,
    CreateTime: immTime(cluster.createTime),
    UpdateTime: immTime(cluster.updateTime),
  };
}
