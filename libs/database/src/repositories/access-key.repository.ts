import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AccessKeyEntity } from '../entities';

@Injectable()
export class AccessKeyRepository {
  private readonly keys: Repository<AccessKeyEntity>;

  constructor(dataSource: DataSource) {
    this.keys = dataSource.getRepository(AccessKeyEntity);
  }

  findByAccessKeyId(accessKeyId: string): Promise<AccessKeyEntity | null> {
    return this.keys.findOne({ where: { accessKeyId } });
  }

  async create(values: Pick<AccessKeyEntity, 'accessKeyId' | 'secretCiphertext' | 'projects' | 'description'>) {
    return this.keys.save(this.keys.create(values));
  }

  /** Every key, newest first (revoked ones too, with their revocation time). */
  list(): Promise<AccessKeyEntity[]> {
    return this.keys.find({ order: { createTime: 'DESC', accessKeyId: 'ASC' } });
  }

  /** Marks the key revoked; false when there is no such active key. */
  async revoke(accessKeyId: string, at = new Date()): Promise<boolean> {
    const result = await this.keys.update({ accessKeyId, revokedTime: IsNull() }, { revokedTime: at });
    return (result.affected ?? 0) > 0;
  }
}
