import { z } from 'zod';
import { customLabels, fileUri, immName, notification, taskTags, userData } from '../common/imm-schemas';

const datasetRef = { ProjectName: immName, DatasetName: immName };

/** The IMM File input of IndexFileMeta: URI plus the user fields IMM lets clients set. */
export const inputFile = z.strictObject({
  URI: fileUri,
  CustomId: z.string().max(1024, 'must be at most 1024 characters').optional(),
  CustomLabels: customLabels.optional(),
  MediaType: z.enum(['image'], 'only image files are supported').optional(),
  ContentType: z.string().max(128).optional(),
  FileHash: z.string().max(128).optional(),
});
export type InputFile = z.infer<typeof inputFile>;

const taskFields = { UserData: userData.optional(), Notification: notification.optional(), Tags: taskTags.optional() };

export const indexFileMetaSchema = z.strictObject({ ...datasetRef, File: inputFile, ...taskFields });
export const batchIndexFileMetaSchema = z.strictObject({
  ...datasetRef,
  Files: z.array(inputFile).min(1, 'must contain at least 1 file').max(100, 'must contain at most 100 files'),
  ...taskFields,
});

const withFields = z.array(z.string().min(1).max(128)).max(100);
export const getFileMetaSchema = z.strictObject({ ...datasetRef, URI: fileUri, WithFields: withFields.optional() });
export const batchGetFileMetaSchema = z.strictObject({
  ...datasetRef,
  URIs: z.array(fileUri).min(1, 'must contain at least 1 URI').max(100, 'must contain at most 100 URIs'),
  WithFields: withFields.optional(),
});
export const deleteFileMetaSchema = z.strictObject({ ...datasetRef, URI: fileUri });
export const batchDeleteFileMetaSchema = z.strictObject({
  ...datasetRef,
  URIs: z.array(fileUri).min(1, 'must contain at least 1 URI').max(100, 'must contain at most 100 URIs'),
});
