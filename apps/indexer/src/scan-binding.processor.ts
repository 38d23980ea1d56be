import { QueueName, ScanBindingJob } from '@app/contracts';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { withJobLogContext } from '@app/observability';
import { scanBindingJobSchema } from './indexer-jobs.schema';
import { ScanBindingService, ScanOutcome } from './scan-binding.service';

/** Thin: validate the payload, scan one page of the binding. */
@Processor(QueueName.Scan)
export class ScanBindingProcessor extends WorkerHost {
  constructor(private readonly service: ScanBindingService) {
    super();
  }

  async process(job: Job<ScanBindingJob>): Promise<ScanOutcome> {
    const parsed = scanBindingJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`Invalid ${QueueName.Scan} payload: ${parsed.error.message}`);
    }
    return withJobLogContext(job, () => this.service.scanPage(parsed.data as ScanBindingJob));
  }
}
