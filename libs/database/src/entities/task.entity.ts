import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { JsonObject } from './json';
import { DatasetEntity } from './dataset.entity';
import { ProjectEntity } from './project.entity';

@Entity({ name: 'tasks' })
@Index('ix_tasks_project_type_start', ['projectId', 'taskType', 'startTime'])
@Index('ix_tasks_expires', ['expiresAt'])
export class TaskEntity {
  /** IMM TaskId, e.g. `CreateFigureClusteringTask-<uuid>`. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ name: 'dataset_id', type: 'uuid', nullable: true })
  datasetId!: string | null;

  @ManyToOne(() => DatasetEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetEntity;

  @Column({ name: 'task_type', type: 'varchar', length: 64 })
  taskType!: string;

  @Column({ type: 'varchar', length: 16, default: 'Running' })
  status!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  code!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'integer', default: 0 })
  progress!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ name: 'user_data', type: 'text', nullable: true })
  userData!: string | null;

  @Column({ type: 'jsonb', default: [] })
  tags!: Array<{ TagKey: string; TagValue: string }> | Record<string, string>;

  @Column({ type: 'jsonb', nullable: true })
  notification!: JsonObject | null;

  /** Work counters and results (files done/failed, clustering stats). */
  @Column({ type: 'jsonb', default: {} })
  details!: JsonObject;

  @CreateDateColumn({ name: 'start_time', type: 'timestamptz' })
  startTime!: Date;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
