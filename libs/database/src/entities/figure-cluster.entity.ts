import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { DatasetEntity } from './dataset.entity';

@Entity({ name: 'figure_clusters' })
@Index('ix_figure_clusters_dataset_create_time', ['datasetId', 'createTime'])
@Index('ix_figure_clusters_dataset_update_time', ['datasetId', 'updateTime'])
@Index('ix_figure_clusters_dataset_face_count', ['datasetId', 'faceCount'])
export class FigureClusterEntity {
  /** The uuid behind the public ObjectId `Cluster-<uuid>`; stable across runs. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetEntity;

  @Column({ type: 'varchar', length: 256, default: '' })
  name!: string;

  @Column({ name: 'custom_labels', type: 'jsonb', default: {} })
  customLabels!: Record<string, string>;

  @Column({ name: 'meta_lock_version', type: 'integer', default: 0 })
  metaLockVersion!: number;

  @Column({ name: 'face_count', type: 'integer', default: 0 })
  faceCount!: number;

  @Column({ name: 'image_count', type: 'integer', default: 0 })
  imageCount!: number;

  @Column({ name: 'video_count', type: 'integer', default: 0 })
  videoCount!: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  gender!: string | null;

  @Column({ name: 'average_age', type: 'real', nullable: true })
  averageAge!: number | null;

  @Column({ name: 'min_age', type: 'real', nullable: true })
  minAge!: number | null;

  @Column({ name: 'max_age', type: 'real', nullable: true })
  maxAge!: number | null;

  @Column({ name: 'cover_figure_id', type: 'uuid', nullable: true })
  coverFigureId!: string | null;

  /** The clustering library's serialised summary (prototypes), opaque to everything else. */
  @Column({ type: 'bytea', nullable: true })
  summary!: Buffer | null;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
