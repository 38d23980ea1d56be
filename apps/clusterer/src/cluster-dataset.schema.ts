import { JobName } from '@app/contracts';
import { z } from 'zod';

/** The queue is an input boundary like HTTP: payloads are validated again before any work. */
export const clusterDatasetJobSchema = z.object({
  name: z.literal(JobName.ClusterDataset).optional(),
  datasetId: z.uuid(),
  trigger: z.enum(['debounce', 'request', 'files-deleted']),
  taskId: z.string().min(1).max(128).optional(),
  windowStartedAt: z.number().int().nonnegative().optional(),
});
