import { APP_CONFIG, GatewayConfig } from '@app/config';
import { FACE_EVENT_SIGNATURE_HEADER } from '@app/contracts';
import { DatasetRepository, DueFaceEvent, FaceEventRepository, FigureClusterRepository } from '@app/database';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { WebhookClient } from '../notifications/webhook.client';
import { buildFaceEventBody, retryDelayMs, signBody } from './face-event-body';

/** Events claimed per poll, and how long a claim lasts before another replica may take the event again. */
const BATCH = 20;
const LEASE_MS = 30_000;

/**
 * Delivers Stranger / KnownPerson events from the face_events table (written by the indexer in the transaction
 * that stored the faces): polls for due events, claims them with a lease (so replicas and restarts never lose or
 * double-claim one), POSTs the signed body through WebhookClient, and records success or the next attempt.
 * At least once: a crash after the POST and before the mark delivers again (receivers dedupe by EventId).
 */
@Injectable()
export class FaceEventDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FaceEventDeliveryService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly events: FaceEventRepository,
    private readonly datasets: DatasetRepository,
    private readonly clusters: FigureClusterRepository,
    private readonly webhook: WebhookClient,
    private readonly http: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.config.FACE_EVENT_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One poll (no overlap): deliver every due event. Returns when done; errors are logged. */
  poll(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.deliverDue()
      .catch((error: unknown) =>
        this.logger.warn(`Face event delivery poll failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const due = await this.events.claimDue(BATCH, LEASE_MS);
      if (due.length === 0) return;
      await Promise.all(due.map((event) => this.deliver(event)));
      if (due.length < BATCH) return;
    }
  }

  private async deliver(event: DueFaceEvent): Promise<void> {
    const dataset = await this.datasets.findWithProject(event.datasetId);
    const subscription = dataset?.eventSubscription;
    if (!dataset || !subscription) {
      await this.events.markFailed(event.id, 'The dataset no longer has an event subscription.');
      return;
    }
    const cluster = event.clusterId ? await this.clusters.findById(event.datasetId, event.clusterId) : null;
    const body = buildFaceEventBody(
      event,
      { projectName: dataset.project.name, datasetName: dataset.name, clusterName: cluster?.name },
      this.baseUrl(),
    );
    const rawBody = JSON.stringify(body);
    const headers: Record<string, string> = { 'x-facecluster-event': body.EventType };
    if (subscription.secret) headers[FACE_EVENT_SIGNATURE_HEADER] = signBody(rawBody, subscription.secret);
    let error: string;
    try {
      const status = await this.webhook.post(subscription.endpoint, body, { rawBody, headers });
      if (status >= 200 && status < 300) {
        await this.events.markDelivered(event.id);
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (event.attempts >= this.config.FACE_EVENT_MAX_ATTEMPTS) {
      this.logger.warn(`Face event ${event.id} failed after ${event.attempts} attempts: ${error}`);
      await this.events.markFailed(event.id, error);
    } else {
      await this.events.scheduleRetry(event.id, retryDelayMs(event.attempts), error);
    }
  }

  /** PUBLIC_BASE_URL, else the address this gateway listens on (thumbnail links in events). */
  private baseUrl(): string {
    if (this.config.PUBLIC_BASE_URL) return this.config.PUBLIC_BASE_URL;
    const server = this.http.httpAdapter?.getHttpServer() as { address(): AddressInfo | string | null } | undefined;
    const address = server?.address();
    if (address && typeof address === 'object') {
      const host = address.address === '::' || address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
      return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    }
    return `http://127.0.0.1:${this.config.GATEWAY_PORT}`;
  }
}
