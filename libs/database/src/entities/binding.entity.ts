import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { DatasetEntity } from './dataset.entity';

@Entity({ name: 'bindings' })
@Index('uq_bindings_dataset_uri', ['datasetId', 'uri'], { unique: true })
@Index('ix_bindings_bucket_prefix', ['bucket', 'prefix'])
export class BindingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetEntity;

  @Column({ type: 'varchar', length: 1100 })
  uri!: string;

  @Column({ type: 'varchar', length: 63 })
  bucket!: string;

  @Column({ type: 'varchar', length: 1024 })
  prefix!: string;

  /** Ready | Running | Stopped | Failed (IMM binding states). */
  @Column({ type: 'varchar', length: 16, default: 'Running' })
  state!: string;

  /** IMM Phase: the initial full scan, then incremental following of uploads. */
  @Column({ type: 'varchar', length: 32, default: 'FullScanning' })
  phase!: string;

  @Column({ type: 'text', default: '' })
  reason!: string;

  @Column({ name: 'scanned_count', type: 'integer', default: 0 })
  scannedCount!: number;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
