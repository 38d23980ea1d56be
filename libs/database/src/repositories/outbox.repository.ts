import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { JsonObject } from '../entities/json';

/**
 * The transactional outbox: a row is written in the SAME transaction as the state change it announces, so the
 * event exists exactly when the change committed, whatever crashes afterwards. A relay (the gateway's
 * OutboxRelayService) leases due rows, turns each into a notify-queue job whose id is the event id (a repeated
 * relay is the same job), marks it dispatched, and retries the rest with backoff. Generic: an event type, a
 * destination (an HTTP endpoint) and the payload to deliver there; task ends use it today, any event a
 * webhook must not lose (e.g. stranger alerts) can use it too. Pub/sub may still announce the change as a
 * latency hint; the outbox is the path that cannot lose it.
 */
export interface OutboxEvent {
  /** Unique per event; the delivery carries it so that a receiver can dedupe. */
  eventId: string;
  /** What happened, e.g. `imm:Task:IndexFileMeta`. */
  eventType: string;
  /** Where it goes: an HTTP(S) endpoint. */
  destination: string;
  /** The body delivered to the destination. */
  payload: JsonObject;
}

export interface PendingOutboxEvent extends OutboxEvent {
  id: string;
  /** Leases taken so far, this one included. */
  attempts: number;
}

/** Writes an event inside the caller's transaction; a repeated event id is ignored. */
export async function addOutboxEvent(manager: EntityManager, event: OutboxEvent): Promise<void> {
  await manager.query(
    `INSERT INTO outbox (event_id, event_type, destination, payload) VALUES ($1, $2, $3, $4)
     ON CONFLICT (event_id) DO NOTHING`,
    [event.eventId, event.eventType, event.destination, JSON.stringify(event.payload)],
  );
}

interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  destination: string;
  payload: JsonObject;
  attempts: number;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Leases up to `limit` due events, oldest first: each becomes due again after `leaseMs` unless marked
   * dispatched, so an event whose relay died is picked up again. Replicas skip each other's leased rows.
   */
  async lease(limit: number, leaseMs: number): Promise<PendingOutboxEvent[]> {
    // TypeORM returns [rows, affectedCount] for UPDATE ... RETURNING.
    const [rows]: [OutboxRow[], number] = await this.dataSource.query(
      `UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
         FROM (SELECT id FROM outbox WHERE dispatched_at IS NULL AND next_attempt_at <= now()
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) due
        WHERE o.id = due.id
       RETURNING o.id, o.event_id, o.event_type, o.destination, o.payload, o.attempts`,
      [limit, leaseMs],
    );
    return rows
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({
        id: String(r.id),
        eventId: r.event_id,
        eventType: r.event_type,
        destination: r.destination,
        payload: r.payload,
        attempts: r.attempts,
      }));
  }

  async markDispatched(id: string): Promise<void> {
    await this.dataSource.query('UPDATE outbox SET dispatched_at = now(), last_error = NULL WHERE id = $1', [id]);
  }

  /** Deletes events dispatched before `before` (their delivery jobs keep the dedupe window). */
  async purgeDispatched(before: Date): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query('DELETE FROM outbox WHERE dispatched_at < $1', [
      before,
    ]);
    return count;
  }

  /** Records why relaying failed; the event is due again after `retryInMs`. */
  async recordFailure(id: string, error: string, retryInMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET last_error = left($2, 2000), next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
        WHERE id = $1`,
      [id, error, retryInMs],
    );
  }
}
