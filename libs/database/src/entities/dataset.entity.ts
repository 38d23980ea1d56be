import type { FaceEventSubscription } from '@app/contracts';
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
import { ProjectEntity } from './project.entity';

@Entity({ name: 'datasets' })
@Index('uq_datasets_project_name', ['projectId', 'name'], { unique: true })
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  description!: string;

  @Column({ name: 'template_id', type: 'varchar', length: 128, default: '' })
  templateId!: string;

  @Column({ type: 'jsonb', default: {} })
  settings!: Record<string, number | string>;

  /** Stranger / known-person event subscription (an extension of IMM), or null. */
  @Column({ name: 'event_subscription', type: 'jsonb', nullable: true })
  eventSubscription!: FaceEventSubscription | null;

  /** Cluster runs completed; the clusterer bumps it under the dataset's advisory lock. */
  @Column({ name: 'cluster_generation', type: 'integer', default: 0 })
  clusterGeneration!: number;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
