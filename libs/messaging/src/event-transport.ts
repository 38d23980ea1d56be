import { CommonConfig, redisConnection } from '@app/config';
import { RedisOptions, Transport } from '@nestjs/microservices';

/** The @nestjs/microservices Redis transport that carries DomainEvents between the apps. */
export function eventTransportOptions(config: Pick<CommonConfig, 'REDIS_URL'>): RedisOptions {
  return { transport: Transport.REDIS, options: { ...redisConnection(config), retryAttempts: 10, retryDelay: 1000 } };
}
