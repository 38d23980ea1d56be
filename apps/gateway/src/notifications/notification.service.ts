import { addJob, DeliverNotificationJob, JobName, NotifyQueue, QueueName, TaskFinishedEvent } from '@app/contracts';
import { DatasetRepository, ProjectRepository, TaskRepository } from '@app/database';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { buildTaskEnvelope, httpEndpointOf } from './notification-envelope';

/** Turns "task finished" domain events into webhook deliveries (one per task, whatever replica hears it). */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly projects: ProjectRepository,
    private readonly datasets: DatasetRepository,
    @InjectQueue(QueueName.Notify) private readonly notifyQueue: Queue<DeliverNotificationJob>,
  ) {}

  async onTaskFinished(event: TaskFinishedEvent): Promise<boolean> {
    if (!event || typeof event.taskId !== 'string' || event.taskId.length > 128) return false;
    const task = await this.tasks.findById(event.taskId);
    // Events of other deployments sharing the broker, or of tasks without an HTTP endpoint, are not ours to deliver.
    if (!task || task.status === 'Running') return false;
    const endpoint = httpEndpointOf(task.notification);
    if (!endpoint) return false;
    const dataset = task.datasetId ? await this.datasets.findWithProject(task.datasetId) : null;
    const projectName = dataset?.project.name ?? (await this.projects.findById(task.projectId))?.name ?? '';
    const body = buildTaskEnvelope(task, { projectName, datasetName: dataset?.name ?? null });
    await addJob(this.notifyQueue, NotifyQueue, {
      name: JobName.DeliverNotification,
      eventId: task.eventId,
      endpoint,
      body,
    });
    this.logger.debug(`Queued notification of ${task.id} to ${new URL(endpoint).host}`);
    return true;
  }
}
