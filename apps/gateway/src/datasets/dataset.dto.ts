import { z } from 'zod';
import { description, immName, maxResults, nextToken, prefixFilter } from '../common/imm-schemas';
import { datasetLimitFields } from '../projects/project.dto';

const datasetRef = { ProjectName: immName, DatasetName: immName };

/**
 * Extension (not in IMM): where to POST Stranger / KnownPerson events of the dataset's newly indexed faces.
 * `null` on UpdateDataset removes the subscription.
 */
export const eventSubscription = z.strictObject({
  Endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  Secret: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
  Events: z
    .array(z.enum(['Stranger', 'KnownPerson']))
    .min(1, 'must name at least one event')
    .max(2)
    .default(['Stranger']),
  WindowSeconds: z.number().int('must be an integer').min(1).max(86_400).optional(),
});

export const createDatasetSchema = z.strictObject({
  ...datasetRef,
  Description: description.optional(),
  TemplateId: z.string().max(128).optional(),
  WorkflowParameters: z
    .array(z.strictObject({ Name: z.string().max(128), Value: z.string().max(1024) }))
    .max(50)
    .optional(),
  ...datasetLimitFields,
  EventSubscription: eventSubscription.nullable().optional(),
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
