import { CommonConfig, redisConnection } from '@app/config';
import { RedisOptions, Transport } from '@nestjs/microservices';

/**
 * The @nestjs/microservices Redis transport that carries DomainEvents between the apps. It reconnects for as
 * long as Redis is away (every 2 s): after ~10 tries it used to give up, and the gateway lost every task
 * event until it was restarted.
 */
export function eventTransportOptions(config: Pick<CommonConfig, 'REDIS_URL'>): RedisOptions {
  return {
    transport: Transport.REDIS,
    options: { ...redisConnection(config), retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 2000 },
  };
}
