import { z } from 'zod';
import { fileUri, immName, notification, taskTags, userData } from '../common/imm-schemas';

/** IMM's CredentialConfig is accepted and ignored: the configured store's credentials are used. */
const credentialConfig = z.unknown().optional();

export const detectImageFacesSchema = z.strictObject({
  ProjectName: immName,
  SourceURI: fileUri,
  CredentialConfig: credentialConfig,
});

export const compareImageFacesSchema = z.strictObject({
  ProjectName: immName,
  Source: z.strictObject({ URI1: fileUri, URI2: fileUri }),
  CredentialConfig: credentialConfig,
});

export const searchImageFigureClusterSchema = z.strictObject({
  ProjectName: immName,
  DatasetName: immName,
  SourceURI: fileUri,
  CredentialConfig: credentialConfig,
});

export const createFacesSearchingTaskSchema = z.strictObject({
  ProjectName: immName,
  DatasetName: immName,
  Sources: z
    .array(z.strictObject({ URI: fileUri }))
    .min(1, 'must contain at least 1 source')
    .max(100, 'must contain at most 100 sources'),
  MaxResult: z
    .number()
    .int('must be an integer')
    .min(0, 'must be between 0 and 100')
    .max(100, 'must be between 0 and 100')
    .optional(),
  UserData: userData.optional(),
  Notification: notification.optional(),
  Tags: taskTags.optional(),
});
export type CreateFacesSearchingTaskRequest = z.infer<typeof createFacesSearchingTaskSchema>;

/** Extension (not in IMM): the result of a faces-searching task, which IMM only delivers by notification. */
export const getFacesSearchingResultSchema = z.strictObject({
  ProjectName: immName,
  TaskId: z.string().min(1).max(128),
});
