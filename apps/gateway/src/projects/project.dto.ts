import { z } from 'zod';
import { description, immName, maxResults, nextToken, prefixFilter, tags } from '../common/imm-schemas';

const limit = (max: number) =>
  z.number().int('must be an integer').min(1, `must be between 1 and ${max}`).max(max, `must be between 1 and ${max}`);

/** IMM per-dataset limits, settable on projects (defaults for their datasets) and datasets. */
export const datasetLimitFields = {
  DatasetMaxBindCount: limit(10).optional(),
  DatasetMaxFileCount: limit(100_000_000).optional(),
  DatasetMaxEntityCount: limit(10_000_000_000).optional(),
  DatasetMaxRelationCount: limit(100_000_000_000).optional(),
  DatasetMaxTotalFileSize: limit(90_000_000_000_000_000).optional(),
};
export const datasetLimitKeys = Object.keys(datasetLimitFields) as Array<keyof typeof datasetLimitFields>;

export const createProjectSchema = z.strictObject({
  ProjectName: immName,
  Description: description.optional(),
  ServiceRole: z.string().max(256).optional(),
  TemplateId: z.string().max(128).optional(),
  ProjectMaxDatasetCount: limit(1_000_000_000).optional(),
  Tag: tags.optional(),
  ...datasetLimitFields,
});
export type CreateProjectRequest = z.infer<typeof createProjectSchema>;

export const getProjectSchema = z.strictObject({ ProjectName: immName, WithStatistics: z.boolean().optional() });
export const deleteProjectSchema = z.strictObject({ ProjectName: immName });
export const listProjectsSchema = z.strictObject({
  MaxResults: maxResults.optional(),
  NextToken: nextToken.optional(),
  Prefix: prefixFilter.optional(),
  Tag: tags.optional(),
});
export type ListProjectsRequest = z.infer<typeof listProjectsSchema>;
