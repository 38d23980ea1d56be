import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  description!: string;

  @Column({ name: 'service_role', type: 'varchar', length: 256, default: 'AliyunIMMDefaultRole' })
  serviceRole!: string;

  @Column({ name: 'template_id', type: 'varchar', length: 128, default: '' })
  templateId!: string;

  /** IMM limits (0 = unlimited) and other settings kept as sent. */
  @Column({ type: 'jsonb', default: {} })
  settings!: Record<string, number | string>;

  @Column({ type: 'jsonb', default: [] })
  tags!: Array<{ TagKey: string; TagValue: string }>;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
