import { DatasetCounts, DatasetEntity } from '@app/database';
import type { ImmDataset } from '../common/imm-responses';
import { immTime } from '../common/imm-schemas';

/** IMM Dataset object. */
export function toImmDataset(projectName: string, dataset: DatasetEntity, counts?: DatasetCounts): ImmDataset {
  return {
    ProjectName: projectName,
    DatasetName: dataset.name,
    Description: dataset.description,
    TemplateId: dataset.templateId,
    ...dataset.settings,
    CreateTime: immTime(dataset.createTime),
    UpdateTime: immTime(dataset.updateTime),
    ...(counts
      ? {
          FileCount: counts.fileCount,
          TotalFileSize: counts.totalFileSize,
          BindCount: counts.bindCount,
          FigureClusterCount: counts.figureClusterCount,
          FigureCount: counts.figureCount,
          PendingFileCount: counts.pendingFileCount,
          FailedFileCount: counts.failedFileCount,
        }
      : {}),
  };
}

/** Effective limit of a dataset: its own setting, else the project's, else none. */
export function datasetLimit(settings: Record<string, number | string>, key: string): number | undefined {
  const value = Object.hasOwn(settings, key) ? settings[key] : undefined;
  return typeof value === 'number' && value > 0 ? value : undefined;
}
