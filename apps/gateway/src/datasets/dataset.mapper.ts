import { FaceEventKind, FaceEventSubscription } from '@app/contracts';
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
    ...(dataset.eventSubscription ? { EventSubscription: toImmSubscription(dataset.eventSubscription) } : {}),
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

/** The stored subscription of a request's EventSubscription (undefined: unchanged, null: removed). */
export function toSubscription(
  value: { Endpoint: string; Secret?: string; Events: FaceEventKind[]; WindowSeconds?: number } | null | undefined,
): FaceEventSubscription | null | undefined {
  if (value === undefined || value === null) return value;
  return {
    endpoint: value.Endpoint,
    ...(value.Secret ? { secret: value.Secret } : {}),
    events: [...new Set(value.Events)],
    windowSeconds: value.WindowSeconds ?? 0,
  };
}

/** The subscription as responses show it: never the secret, only whether there is one. */
export function toImmSubscription(s: FaceEventSubscription): Record<string, unknown> {
  return {
    Endpoint: s.endpoint,
    Events: s.events,
    ...(s.windowSeconds ? { WindowSeconds: s.windowSeconds } : {}),
    HasSecret: Boolean(s.secret),
  };
}
