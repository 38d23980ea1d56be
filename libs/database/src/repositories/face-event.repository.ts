import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { FaceEventEntity } from '../entities';

export interface NewFaceEvent {
  datasetId: string;
  kind: 'Stranger' | 'KnownPerson';
  figureId: string;
  uri: string;
  boundary: FaceEventEntity['boundary'];
  similarity: number;
  clusterId: string | null;
  embedding: Buffer | null;
  thumbnail: Buffer | null;
  thumbnailToken: string;
  /** false: recorded for the dashboard only (the subscription does not ask for this kind). */
  deliver: boolean;
}

/** An event recently recorded, to recognise the same stranger (or person) again within the window. */
export interface RecentFaceEvent {
  id: string;
  kind: string;
  clusterId: string | null;
  embedding: Buffer | null;
}

/** The columns a delivery needs (no blobs). */
export type DueFaceEvent = Omit<FaceEventEntity, 'embedding' | 'thumbnail' | 'dataset'>;

const DUE_COLUMNS = `id, dataset_id AS "datasetId", kind, figure_id AS "figureId", uri, boundary, similarity,
  cluster_id AS "clusterId", thumbnail_token AS "thumbnailToken", sightings, last_seen_time AS "lastSeenTime",
  create_time AS "createTime", delivery_state AS "deliveryState", attempts, next_attempt_time AS "nextAttemptTime",
  last_error AS "lastError", delivered_time AS "deliveredTime"`;

/** Writes of face events inside the transaction that stores the faces (FileRepository.completeIndexing). */
export class FaceEventWriter {
  constructor(private readonly manager: EntityManager) {}

  /** Serialises event decisions of one dataset (two frames of one stranger indexed at once make one alert). */
  async lockDataset(datasetId: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtext('face-events'), hashtext($1))`, [datasetId]);
  }

  /** Events of the dataset created since `since` (newest first, at most `limit`). */
  recent(datasetId: string, since: Date, limit = 1000): Promise<RecentFaceEvent[]> {
    return this.manager.query(
      `SELECT id, kind, cluster_id AS "clusterId", embedding FROM face_events
        WHERE dataset_id = $1 AND create_time >= $2 ORDER BY create_time DESC LIMIT $3`,
      [datasetId, since, limit],
    );
  }

  async insert(events: NewFaceEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const rows = events.map(({ deliver, ...e }) =>
      this.manager.create(FaceEventEntity, {
        ...e,
        deliveryState: deliver ? 'pending' : 'none',
        lastSeenTime: new Date(),
        nextAttemptTime: new Date(),
      }),
    );
    const saved = await this.manager.save(FaceEventEntity, rows);
    return saved.map((r) => r.id);
  }

  /** The same stranger (or person) seen again within the window: counted on the first event, not delivered. */
  async addSighting(eventId: string): Promise<void> {
    await this.manager.query(`UPDATE face_events SET sightings = sightings + 1, last_seen_time = now() WHERE id = $1`, [
      eventId,
    ]);
  }
}

/** Face events: recorded with the faces, delivered from here (an outbox), listed on the dashboard. */
@Injectable()
export class FaceEventRepository {
  private readonly events: Repository<FaceEventEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.events = dataSource.getRepository(FaceEventEntity);
  }

  writer(manager: EntityManager): FaceEventWriter {
    return new FaceEventWriter(manager);
  }

  /**
   * Claims up to `limit` pending events that are due: pushes their next attempt `leaseMs` ahead and counts the
   * attempt, so another replica (or this one after a crash) takes them again only when the lease ran out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DueFaceEvent[]> {
    const [rows]: [DueFaceEvent[], number] = await this.dataSource.query(
      `UPDATE face_events SET next_attempt_time = now() + ($2::int * interval '1 millisecond'), attempts = attempts + 1
        WHERE id IN (SELECT id FROM face_events WHERE delivery_state = 'pending' AND next_attempt_time <= now()
                     ORDER BY next_attempt_time LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING ${DUE_COLUMNS}`,
      [limit, leaseMs],
    );
    return rows;
  }

  async markDelivered(id: string): Promise<void> {
    await this.events.update({ id }, { deliveryState: 'delivered', deliveredTime: new Date(), lastError: null });
  }

  async scheduleRetry(id: string, delayMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE face_events SET next_attempt_time = now() + ($2::int * interval '1 millisecond'), last_error = $3
        WHERE id = $1 AND delivery_state = 'pending'`,
      [id, delayMs, error.slice(0, 2000)],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.events.update({ id }, { deliveryState: 'failed', lastError: error.slice(0, 2000) });
  }

  findById(id: string): Promise<FaceEventEntity | null> {
    return this.events.findOne({ where: { id } });
  }

  /** The dataset's most recent strangers, newest first (no blobs). */
  async recentStrangers(datasetId: string, limit: number): Promise<DueFaceEvent[]> {
    return this.dataSource.query(
      `SELECT ${DUE_COLUMNS} FROM face_events WHERE dataset_id = $1 AND kind = 'Stranger'
        ORDER BY create_time DESC LIMIT $2`,
      [datasetId, limit],
    );
  }

  async thumbnail(id: string): Promise<{ thumbnail: Buffer | null; token: string } | null> {
    const row = await this.events.findOne({
      where: { id },
      select: { id: true, thumbnail: true, thumbnailToken: true },
    });
    return row ? { thumbnail: row.thumbnail, token: row.thumbnailToken } : null;
  }
}
