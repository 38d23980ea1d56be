import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { BindingEntity } from '../entities';

@Injectable()
export class BindingRepository {
  private readonly bindings: Repository<BindingEntity>;

  constructor(dataSource: DataSource) {
    this.bindings = dataSource.getRepository(BindingEntity);
  }

  async create(values: Pick<BindingEntity, 'datasetId' | 'uri' | 'bucket' | 'prefix'>): Promise<BindingEntity | null> {
    const result = await this.bindings.createQueryBuilder().insert().values(values).orIgnore().returning('*').execute();
    if (result.identifiers.length === 0 || !result.identifiers[0]) return null;
    return this.bindings.findOne({ where: { datasetId: values.datasetId, uri: values.uri } });
  }

  findById(id: string): Promise<BindingEntity | null> {
    return this.bindings.findOne({ where: { id } });
  }

  findByUri(datasetId: string, uri: string): Promise<BindingEntity | null> {
    return this.bindings.findOne({ where: { datasetId, uri } });
  }

  list(datasetId: string, options: { after?: string; limit: number }): Promise<BindingEntity[]> {
    const qb = this.bindings
      .createQueryBuilder('b')
      .where('b.dataset_id = :datasetId', { datasetId })
      .orderBy('b.uri', 'ASC')
      .limit(options.limit);
    if (options.after !== undefined) qb.andWhere('b.uri > :after', { after: options.after });
    return qb.getMany();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.bindings.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async update(id: string, values: Partial<BindingEntity>): Promise<void> {
    await this.bindings.update({ id }, values);
  }

  async addScanned(id: string, count: number): Promise<void> {
    await this.bindings.increment({ id }, 'scannedCount', count);
  }

  /** Bindings whose bucket matches and whose prefix starts the object key (for bucket notifications). */
  findMatching(bucket: string, key: string): Promise<BindingEntity[]> {
    return this.bindings
      .createQueryBuilder('b')
      .where('b.bucket = :bucket', { bucket })
      .andWhere('left(:key, length(b.prefix)) = b.prefix', { key })
      .andWhere("b.state IN ('Running', 'Ready')")
      .getMany();
  }
}
