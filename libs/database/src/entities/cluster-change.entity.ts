import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DatasetEntity } from './dataset.entity';

/** Audit of decisions a later run revised (merges, moved faces, deleted clusters). */
@Entity({ name: 'cluster_changes' })
@Index('ix_cluster_changes_dataset_time', ['datasetId', 'createTime'])
export class ClusterChangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetEntity;

  @Column({ name: 'task_id', type: 'varchar', length: 128, nullable: true })
  taskId!: string | null;

  /** merge | move | delete */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'from_cluster_id', type: 'uuid', nullable: true })
  fromClusterId!: string | null;

  @Column({ name: 'into_cluster_id', type: 'uuid', nullable: true })
  intoClusterId!: string | null;

  @Column({ type: 'text', default: '' })
  reason!: string;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;
}
