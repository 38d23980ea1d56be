import { DomainEvent, DomainEventPayloads } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';

/** Injection token of the Redis-transport client that publishes DomainEvents. */
export const EVENTS_CLIENT = Symbol('EVENTS_CLIENT');

/** Publishes domain events (fire-and-forget): a lost event never fails the job that produced it. */
@Injectable()
export class DomainEventPublisher {
  private readonly logger = new Logger(DomainEventPublisher.name);

  constructor(@Inject(EVENTS_CLIENT) private readonly client: ClientProxy) {}

  async publish<E extends DomainEvent>(event: E, payload: DomainEventPayloads[E]): Promise<void> {
    try {
      await lastValueFrom(this.client.emit(event, payload), { defaultValue: undefined });
    } catch (error) {
      this.logger.warn(`Could not publish ${event}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
