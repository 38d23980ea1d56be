import { CommonConfig, redisConnection } from '@app/config';
import { QueueName } from '@app/contracts';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { DomainEventPublisher, EVENTS_CLIENT } from './domain-event.publisher';
import { eventTransportOptions } from './event-transport';

/**
 * The BullMQ connection (with the configured key prefix), the app's queues, and the DomainEvent publisher.
 * Global, so every feature module injects the same Queue objects and publisher.
 */
@Module({})
export class MessagingModule {
  static forRoot(
    config: Pick<CommonConfig, 'REDIS_URL' | 'QUEUE_PREFIX'>,
    queues: readonly QueueName[],
  ): DynamicModule {
    const registered = queues.map((name) => BullModule.registerQueue({ name }));
    return {
      module: MessagingModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection: redisConnection(config), prefix: config.QUEUE_PREFIX }),
        ...registered,
        ClientsModule.register([{ name: EVENTS_CLIENT, ...eventTransportOptions(config) }]),
      ],
      providers: [DomainEventPublisher],
      exports: [DomainEventPublisher, ...registered],
    };
  }
}
