import { DeliverNotificationJob, NotifyQueue, parseJob, QueueName } from '@app/contracts';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { WebhookClient } from './webhook.client';

/** Delivers IMM task notifications to HTTP endpoints; BullMQ retries failures with exponential backoff. */
@Processor(QueueName.Notify, { concurrency: 4 })
export class NotificationProcessor extends WorkerHost {
  private readonly logger = new Logger(NotificationProcessor.name);

  constructor(private readonly webhook: WebhookClient) {
    super();
  }

  async process(job: Job<DeliverNotificationJob>): Promise<void> {
    const data = parseJob(NotifyQueue, job.data);
    const status = await this.webhook.post(data.endpoint, data.body);
    if (status >= 200 && status < 300) {
      this.logger.log(`Delivered ${data.body.type} (job ${job.id}) with HTTP ${status}`);
      return;
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      throw new UnrecoverableError(`The endpoint refused the notification with HTTP ${status}`);
    }
    throw new Error(`The endpoint answered HTTP ${status}; retrying`);
  }
}
