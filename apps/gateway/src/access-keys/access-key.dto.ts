import { z } from 'zod';
import { description, immName } from '../common/imm-schemas';

export const createAccessKeySchema = z.strictObject({
  /** Project names the key may touch; absent = every project. */
  Projects: z
    .array(immName)
    .min(1, 'must name at least 1 project')
    .max(100, 'must name at most 100 projects')
    .optional(),
  Description: description.optional(),
});
export const listAccessKeysSchema = z.strictObject({});
export const revokeAccessKeySchema = z.strictObject({
  AccessKeyId: z.string().min(1).max(64, 'must be at most 64 characters'),
});
