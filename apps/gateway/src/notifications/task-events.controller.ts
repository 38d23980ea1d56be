import { DomainEvent } from '@app/contracts';
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * Domain events from the workers (Redis pub/sub): only a latency hint that the outbox has a new event. A lost
 * event delays nothing but the next poll; the webhook itself travels through the outbox.
 */
@Controller()
export class TaskEventsController {
  constructor(private readonly relay: OutboxRelayService) {}

  @EventPattern(DomainEvent.IndexTaskFinished)
  indexTaskFinished(): void {
    this.relay.wake();
  }

  @EventPattern(DomainEvent.ClusteringFinished)
  clusteringFinished(): void {
    this.relay.wake();
  }
}
