import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DatasetEntity } from './dataset.entity';
import { FigureClusterEntity } from './figure-cluster.entity';
import { FileEntity } from './file.entity';

/** One detected face (IMM "Figure"). Dies with its file. */
@Entity({ name: 'figures' })
@Index('ix_figures_file', ['fileId'])
@Index('ix_figures_cluster', ['clusterId'])
@Index('ix_figures_dataset_state', ['datasetId', 'clusterState'])
export class FigureEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'file_id', type: 'uuid' })
  fileId!: string;

  @ManyToOne(() => FileEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'file_id' })
  file?: FileEntity;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @ManyToOne(() => DatasetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetEntity;

  @Column({ name: 'cluster_id', type: 'uuid', nullable: true })
  clusterId!: string | null;

  @ManyToOne(() => FigureClusterEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'cluster_id' })
  cluster?: FigureClusterEntity;

  /** unavailable (not clustered yet) | independent | clustered */
  @Column({ name: 'cluster_state', type: 'varchar', length: 16, default: 'unavailable' })
  clusterState!: string;

  /** Position of the face in its image, for stable ordering. */
  @Column({ name: 'face_index', type: 'integer', default: 0 })
  faceIndex!: number;

  @Column({ name: 'box_left', type: 'integer' })
  left!: number;

  @Column({ name: 'box_top', type: 'integer' })
  top!: number;

  @Column({ name: 'box_width', type: 'integer' })
  width!: number;

  @Column({ name: 'box_height', type: 'integer' })
  height!: number;

  @Column({ name: 'figure_confidence', type: 'real' })
  figureConfidence!: number;

  @Column({ type: 'real', nullable: true })
  age!: number | null;

  @Column({ name: 'age_sd', type: 'real', nullable: true })
  ageSD!: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  gender!: string | null;

  @Column({ name: 'gender_confidence', type: 'real', nullable: true })
  genderConfidence!: number | null;

  @Column({ type: 'real', nullable: true })
  pitch!: number | null;

  @Column({ type: 'real', nullable: true })
  roll!: number | null;

  @Column({ type: 'real', nullable: true })
  yaw!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  emotion!: string | null;

  @Column({ name: 'emotion_confidence', type: 'real', nullable: true })
  emotionConfidence!: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  mouth!: string | null;

  @Column({ name: 'mouth_confidence', type: 'real', nullable: true })
  mouthConfidence!: number | null;

  @Column({ name: 'eyes_open', type: 'real', nullable: true })
  eyesOpen!: number | null;

  @Column({ type: 'real', nullable: true })
  sharpness!: number | null;

  @Column({ name: 'face_quality', type: 'real' })
  faceQuality!: number;

  @Column({ name: 'is_hd', type: 'boolean', default: false })
  isHD!: boolean;

  /** 512 float32 values, little-endian, L2-normalised. */
  @Column({ type: 'bytea' })
  embedding!: Buffer;

  /** Square JPEG crop for covers and the dashboard. */
  @Column({ type: 'bytea', nullable: true })
  thumbnail!: Buffer | null;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;
}
