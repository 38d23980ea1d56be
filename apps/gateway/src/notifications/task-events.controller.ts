import { ClusteringFinishedEvent, DomainEvent, TaskFinishedEvent } from '@app/contracts';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FaceEventDeliveryService } from '../face-events/face-event-delivery.service';
import { NotificationService } from './notification.service';

/** Domain events from the workers (Redis transport). */
@Controller()
export class TaskEventsController {
  private readonly logger = new Logger(TaskEventsController.name);

  constructor(
    private readonly notifications: NotificationService,
    private readonly faceEvents: FaceEventDeliveryService,
  ) {}

  @EventPattern(DomainEvent.FaceEventsRecorded)
  async faceEventsRecorded(): Promise<void> {
    await this.faceEvents.poll();
  }

  @EventPattern(DomainEvent.IndexTaskFinished)
  async indexTaskFinished(@Payload() event: TaskFinishedEvent): Promise<void> {
    await this.handle(event);
  }

  @EventPattern(DomainEvent.ClusteringFinished)
  async clusteringFinished(@Payload() event: ClusteringFinishedEvent): Promise<void> {
    await this.handle(event);
  }

  @EventPattern(DomainEvent.FacesSearchingFinished)
  async facesSearchingFinished(@Payload() event: TaskFinishedEvent): Promise<void> {
    await this.handle(event);
  }

  private async handle(event: TaskFinishedEvent): Promise<void> {
    try {
      await this.notifications.onTaskFinished(event);
    } catch (error) {
      // Events are fire-and-forget: log and carry on.
      this.logger.error(`Handling a task event failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
