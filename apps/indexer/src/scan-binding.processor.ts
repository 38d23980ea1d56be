import { parseJob, QueueName, ScanBindingJob, ScanQueue } from '@app/contracts';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { withJobLogContext } from '@app/observability';
import { ScanBindingService, ScanOutcome } from './scan-binding.service';

/** Thin: validate the payload, scan one page of the binding. */
@Processor(QueueName.Scan)
export class ScanBindingProcessor extends WorkerHost {
  constructor(private readonly service: ScanBindingService) {
    super();
  }

  async process(job: Job<ScanBindingJob>): Promise<ScanOutcome> {
    const data = parseJob(ScanQueue, job.data);
    return withJobLogContext(job, () => this.service.scanPage(data));
  }
}
