import { parseFigureClusterId } from '@app/contracts';
import { z } from 'zod';
import {
  customLabels,
  immName,
  maxResults,
  nextToken,
  notification,
  taskTags,
  timeRange,
  userData,
} from '../common/imm-schemas';

const datasetRef = { ProjectName: immName, DatasetName: immName };
const objectId = z.string().refine((id) => parseFigureClusterId(id) !== null, 'must be Cluster-<uuid>');

export const createFigureClusteringTaskSchema = z.strictObject({
  ...datasetRef,
  UserData: userData.optional(),
  Notification: notification.optional(),
  Tags: taskTags.optional(),
});
export type CreateFigureClusteringTaskRequest = z.infer<typeof createFigureClusteringTaskSchema>;

/** IMM accepts CustomLabels as an object or as a `key=value` string. */
const labelFilter = z.union([
  customLabels,
  z
    .string()
    .max(1024)
    .regex(/^[^=]{1,128}=.*$/, 'must be key=value')
    .transform((s) => ({ [s.slice(0, s.indexOf('='))]: s.slice(s.indexOf('=') + 1) })),
]);

export const queryFigureClustersSchema = z.strictObject({
  ...datasetRef,
  CustomLabels: labelFilter.optional(),
  Sort: z
    .enum(
      ['CreateTime', 'UpdateTime', 'FaceCount', 'ImageCount', 'Name'],
      'must be CreateTime, UpdateTime, FaceCount, ImageCount or Name',
    )
    .optional(),
  Order: z.enum(['asc', 'desc', 'ASC', 'DESC'], 'must be asc or desc').optional(),
  MaxResults: maxResults.optional(),
  NextToken: nextToken.optional(),
  WithTotalCount: z.boolean().optional(),
  CreateTimeRange: timeRange.optional(),
  UpdateTimeRange: timeRange.optional(),
});
export type QueryFigureClustersRequest = z.infer<typeof queryFigureClustersSchema>;

export const getFigureClusterSchema = z.strictObject({ ...datasetRef, ObjectId: objectId });
export const batchGetFigureClusterSchema = z.strictObject({
  ...datasetRef,
  ObjectIds: z.array(objectId).min(1, 'must contain at least 1 id').max(100, 'must contain at most 100 ids'),
});

export const updateFigureClusterSchema = z.strictObject({
  ...datasetRef,
  FigureCluster: z.strictObject({
    ObjectId: objectId,
    Name: z.string().max(128, 'must be at most 128 characters').optional(),
    CustomLabels: customLabels.optional(),
    MetaLockVersion: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(), // int4, as IMM bounds it
  }),
});
export type UpdateFigureClusterRequest = z.infer<typeof updateFigureClusterSchema>;
