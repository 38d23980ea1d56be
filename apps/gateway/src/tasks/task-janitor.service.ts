import { OutboxRepository, TaskRepository } from '@app/database';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** Dispatched outbox events are kept this long (for inspection), then deleted. */
const OUTBOX_KEEP_MS = 7 * 86_400_000;

/**
 * Deletes task records past their expiry (TASK_TTL_DAYS, as in IMM) and dispatched outbox events older than a
 * week. Reads already hide expired tasks; this only reclaims the rows. Idempotent, so every replica may run it.
 */
@Injectable()
export class TaskJanitorService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TaskJanitorService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async purge(now = new Date()): Promise<number> {
    try {
      const removed = await this.tasks.purgeExpired(now);
      if (removed > 0) this.logger.log(`Purged ${removed} expired task records`);
      await this.outbox.purgeDispatched(new Date(now.getTime() - OUTBOX_KEEP_MS));
      return removed;
    } catch (error) {
      this.logger.warn(`Purging expired tasks failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}
