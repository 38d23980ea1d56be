import { JobName } from '@app/contracts';
import { z } from 'zod';

/** The queue is an input boundary like HTTP: payloads are validated again before any work. */
export const indexFileJobSchema = z.object({
  name: z.literal(JobName.IndexFile).optional(),
  fileId: z.uuid(),
  datasetId: z.uuid(),
  uri: z.string().min(1).max(1100),
  taskId: z.string().min(1).max(128).optional(),
});

export const scanBindingJobSchema = z.object({
  name: z.literal(JobName.ScanBinding).optional(),
  bindingId: z.uuid(),
  startAfter: z.string().max(1024).optional(),
});

const uri = z.string().min(1).max(1100);
export const faceQueryJobSchema = z.discriminatedUnion('op', [
  z.object({ name: z.literal(JobName.FaceQuery), op: z.literal('detect'), uri }),
  z.object({ name: z.literal(JobName.FaceQuery), op: z.literal('compare'), uris: z.tuple([uri, uri]) }),
  z.object({ name: z.literal(JobName.FaceQuery), op: z.literal('search'), datasetId: z.uuid(), uri }),
  z.object({
    name: z.literal(JobName.FaceQuery),
    op: z.literal('faces-search'),
    datasetId: z.uuid(),
    taskId: z.string().min(1).max(128),
    uris: z.array(uri).min(1).max(100),
    maxResult: z.number().int().min(0).max(100),
  }),
]);
