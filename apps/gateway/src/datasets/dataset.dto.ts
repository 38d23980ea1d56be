import { z } from 'zod';
import { description, immName, maxResults, nextToken, prefixFilter } from '../common/imm-schemas';
import { datasetLimitFields } from '../projects/project.dto';

const datasetRef = { ProjectName: immName, DatasetName: immName };

export const createDatasetSchema = z.strictObject({
  ...datasetRef,
  Description: description.optional(),
  TemplateId: z.string().max(128).optional(),
  WorkflowParameters: z
    .array(z.strictObject({ Name: z.string().max(128), Value: z.string().max(1024) }))
    .max(50)
    .optional(),
  ...datasetLimitFields,
});
export type CreateDatasetRequest = z.infer<typeof createDatasetSchema>;

export const updateDatasetSchema = createDatasetSchema;
export type UpdateDatasetRequest = CreateDatasetRequest;

export const getDatasetSchema = z.strictObject({ ...datasetRef, WithStatistics: z.boolean().optional() });
export const deleteDatasetSchema = z.strictObject(datasetRef);
export const listDatasetsSchema = z.strictObject({
  ProjectName: immName,
  MaxResults: maxResults.optional(),
  NextToken: nextToken.optional(),
  Prefix: prefixFilter.optional(),
});
export type ListDatasetsRequest = z.infer<typeof listDatasetsSchema>;
