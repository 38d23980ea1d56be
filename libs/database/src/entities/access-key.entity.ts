import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'access_keys' })
export class AccessKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'access_key_id', type: 'varchar', length: 64, unique: true })
  accessKeyId!: string;

  /** base64(iv | tag | AES-256-GCM ciphertext), the AccessKeyId as associated data. */
  @Column({ name: 'secret_ciphertext', type: 'text' })
  secretCiphertext!: string;

  /** Project names the key may touch; null = every project. */
  @Column({ type: 'varchar', length: 128, array: true, nullable: true })
  projects!: string[] | null;

  @Column({ type: 'varchar', length: 256, default: '' })
  description!: string;

  @CreateDateColumn({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @Column({ name: 'revoked_time', type: 'timestamptz', nullable: true })
  revokedTime!: Date | null;
}
