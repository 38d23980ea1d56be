import { z } from 'zod';
import { immName, maxResults, nextToken } from '../common/imm-schemas';

export const simpleQuerySchema = z.strictObject({
  ProjectName: immName,
  DatasetName: immName,
  /** Validated by parseSimpleQuery (depth and size limits first, so hostile nesting costs nothing). */
  Query: z.unknown().optional(),
  Sort: z.string().max(512).optional(),
  Order: z.string().max(128).optional(),
  MaxResults: maxResults.optional(),
  NextToken: nextToken.optional(),
  WithFields: z.array(z.string().min(1).max(128)).max(100).optional(),
  WithoutTotalHits: z.boolean().optional(),
  Aggregations: z
    .array(z.strictObject({ Field: z.string().min(1).max(256), Operation: z.string().min(1).max(32) }))
    .max(10, 'must have at most 10 aggregations')
    .optional(),
});
export type SimpleQueryRequest = z.infer<typeof simpleQuerySchema>;
