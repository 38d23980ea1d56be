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
import { JsonObject } from './json';
import { DatasetEntity } from './dataset.entity';

@Entity({ name: 'files' })
@Index('uq_files_dataset_uri', ['datasetId', 'uri'], { unique: true })
@Index('ix_files_dataset_create_time', ['datasetId', 'createTime'])
@Index('ix_files_dataset_status', ['datasetId', 'status'])
@Index('ix_files_bucket_key', ['bucket', 'objectKey'])
export class FileEntity {
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

  @Column({ name: 'object_key', type: 'varchar', length: 1024 })
  objectKey!: string;

  @Column({ name: 'custom_id', type: 'varchar', length: 1024, nullable: true })
  customId!: string | null;

  @Column({ name: 'custom_labels', type: 'jsonb', default: {} })
  customLabels!: Record<string, string>;

  /** Other IMM File fields sent with IndexFileMeta and kept as sent (e.g. ContentType, MediaType, FileHash). */
  @Column({ type: 'jsonb', default: {} })
  extra!: JsonObject;

  /** pending | indexed | failed */
  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: string;

  @Column({ name: 'error_code', type: 'varchar', length: 128, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  etag!: string | null;

  @Column({
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  size!: number | null;

  @Column({ name: 'content_type', type: 'varchar', length: 128, nullable: true })
  contentType!: string | null;

  @Column({ name: 'media_type', type: 'varchar', length: 16, default: 'image' })
  mediaType!: string;

  @Column({ name: 'image_width', type: 'integer', nullable: true })
  imageWidth!: number | null;

  @Column({ name: 'image_height', type: 'integer', nullable: true })
  imageHeight!: number | null;

  @Column({ name: 'image_format', type: 'varchar', length: 16, nullable: true })
  imageFormat!: string | null;

  @Column({ name: 'figure_count', type: 'integer', default: 0 })
  figureCount!: number;

  @Column({ name: 'user_data', type: 'text', nullable: true })
  userData!: string | null;

  @Column({ name: 'file_modified_time', type: 'timestamptz', nullable: true })
  fileModifiedTime!: Date | null;

  @Column({ name: 'indexed_time', type: 'timestamptz', nullable: true })
  indexedTime!: Date | null;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
