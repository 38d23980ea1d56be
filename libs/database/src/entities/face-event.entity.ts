import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DatasetEntity } from './dataset.entity';

/**
 * A Stranger or KnownPerson event: written with the face it is about, delivered from here to the dataset's
 * subscription (at least once, retried with backoff). Strangers back the dashboard's "recent strangers".
 */
@Entity({ name: 'face_events' })
@Index('ix_face_events_dataset_kind_time', ['datasetId', 'kind', 'createTime'])
export class FaceEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetEntity;

  /** Stranger | KnownPerson */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** The figure at the time of the event (no foreign key: the event outlives a deleted file). */
  @Column({ name: 'figure_id', type: 'uuid' })
  figureId!: string;

  @Column({ type: 'varchar', length: 1100 })
  uri!: string;

  @Column({ type: 'jsonb' })
  boundary!: { Left: number; Top: number; Width: number; Height: number };

  /** Best Similarity to a cluster of the dataset (0..1). */
  @Column({ type: 'real' })
  similarity!: number;

  @Column({ name: 'cluster_id', type: 'uuid', nullable: true })
  clusterId!: string | null;

  /** Strangers: the face's embedding (512 float32 LE), to recognise the same stranger within the window. */
  @Column({ type: 'bytea', nullable: true })
  embedding!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  thumbnail!: Buffer | null;

  /** Random capability token of the event's thumbnail link. */
  @Column({ name: 'thumbnail_token', type: 'varchar', length: 64 })
  thumbnailToken!: string;

  /** How often this stranger (or person) was seen within the window; only the first sighting is delivered. */
  @Column({ type: 'integer', default: 1 })
  sightings!: number;

  @Column({ name: 'last_seen_time', type: 'timestamptz' })
  lastSeenTime!: Date;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  /** pending | delivered | failed | none (the subscription does not ask for this kind) */
  @Column({ name: 'delivery_state', type: 'varchar', length: 16 })
  deliveryState!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_time', type: 'timestamptz' })
  nextAttemptTime!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_time', type: 'timestamptz', nullable: true })
  deliveredTime!: Date | null;
}
