import { APP_CONFIG, GatewayConfig, redisConnection } from '@app/config';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';

/** How far a signed request's time may be from the server's (Alibaba Cloud's rule). */
export const SIGNATURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Signature nonces seen within the window, in Redis so every gateway replica shares them. A nonce is kept for
 * twice the window: a request stamped 15 minutes ahead stays valid until 15 minutes after that.
 */
@Injectable()
export class NonceStore implements OnModuleDestroy {
  private client: Redis | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: GatewayConfig) {}

  /** True the first time (AccessKeyId, nonce) is seen within the window; false for a replay. */
  async claim(accessKeyId: string, nonce: string): Promise<boolean> {
    const key = `${this.config.QUEUE_PREFIX}:signature-nonce:${accessKeyId}:${nonce}`;
    const answer = await this.redis().set(key, '1', 'PX', 2 * SIGNATURE_WINDOW_MS, 'NX');
    return answer === 'OK';
  }

  private redis(): Redis {
    this.client ??= new Redis({ ...redisConnection(this.config), maxRetriesPerRequest: 2, lazyConnect: false });
    return this.client;
  }

  async onModuleDestroy(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
  }
}
