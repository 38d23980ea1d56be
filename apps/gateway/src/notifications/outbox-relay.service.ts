import { APP_CONFIG, GatewayConfig } from '@app/config';
import { addJob, JobName, NotificationEnvelope, NotifyQueue, QueueName } from '@app/contracts';
import { OutboxRepository } from '@app/database';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';

/** Outbox events leased per round trip. */
const BATCH = 100;
/** An event whose relay died (crash between lease and dispatch) is leased again after this long. */
const LEASE_MS = 30_000;

/** Delay before relaying an event again after a failure (Redis down): doubles per attempt, at most a minute. */
export function relayRetryDelayMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(Math.max(attempts - 1, 0), 6));
}

/**
 * Relays the outbox (see OutboxRepository) to the notify queue: every OUTBOX_POLL_MS, and at once when a domain
 * event hints that a task ended. Each event becomes one DeliverNotification job whose id is the event id, so a
 * relay repeated after a crash, or by another replica, adds nothing; then the event is marked dispatched.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly outbox: OutboxRepository,
    @InjectQueue(QueueName.Notify) private readonly notifyQueue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Relay soon (a latency hint: the poll would find the event anyway). */
  wake(): void {
    void this.pass();
  }

  /** One relay round: leases due events and dispatches them. Returns how many were leased. */
  async relayDue(): Promise<number> {
    const events = await this.outbox.lease(BATCH, LEASE_MS);
    for (const event of events) {
      try {
        await addJob(this.notifyQueue, NotifyQueue, {
          name: JobName.DeliverNotification,
          eventId: event.eventId,
          endpoint: event.destination,
          body: event.payload as NotificationEnvelope,
        });
        await this.outbox.markDispatched(event.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Relaying outbox event ${event.eventId} failed (attempt ${event.attempts}): ${message}`);
        await this.outbox
          .recordFailure(event.id, message, relayRetryDelayMs(event.attempts))
          .catch(() => undefined /* the lease expires and the event is retried anyway */);
      }
    }
    return events.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while (!this.stopped && (await this.relayDue()) === BATCH);
        } catch (error) {
          this.logger.warn(`Outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (this.again && !this.stopped);
    })();
    await this.running;
    this.running = null;
    this.schedule(this.config.OUTBOX_POLL_MS);
  }
}
