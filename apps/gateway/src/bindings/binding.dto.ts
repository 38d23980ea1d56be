import { z } from 'zod';
import { immName, maxResults, nextToken, prefixUri } from '../common/imm-schemas';

const datasetRef = { ProjectName: immName, DatasetName: immName };

export const createBindingSchema = z.strictObject({ ...datasetRef, URI: prefixUri });
export const getBindingSchema = z.strictObject({ ...datasetRef, URI: prefixUri });
export const deleteBindingSchema = z.strictObject({ ...datasetRef, URI: prefixUri, Cleanup: z.boolean().optional() });
export const listBindingsSchema = z.strictObject({
  ...datasetRef,
  MaxResults: maxResults.optional(),
  NextToken: nextToken.optional(),
});
export type ListBindingsRequest = z.infer<typeof listBindingsSchema>;
