import { DomainEvent } from '@app/contracts';
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { FaceEventDeliveryService } from '../face-events/face-event-delivery.service';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * Domain events from the workers (Redis pub/sub): only a latency hint that the outbox (or the face_events table)
 * has a new event. A lost event delays nothing but the next poll; the webhook itself travels through the outbox.
 */
@Controller()
export class TaskEventsController {
  constructor(
    private readonly relay: OutboxRelayService,
    private readonly faceEvents: FaceEventDeliveryService,
  ) {}

  @EventPattern(DomainEvent.IndexTaskFinished)
  indexTaskFinished(): void {
    this.relay.wake();
  }

  @EventPattern(DomainEvent.ClusteringFinished)
  clusteringFinished(): void {
    this.relay.wake();
  }

  @EventPattern(DomainEvent.FacesSearchingFinished)
  facesSearchingFinished(): void {
    this.relay.wake();
  }

  @EventPattern(DomainEvent.FaceEventsRecorded)
  async faceEventsRecorded(): Promise<void> {
    await this.faceEvents.poll();
  }
}
