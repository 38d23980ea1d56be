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
