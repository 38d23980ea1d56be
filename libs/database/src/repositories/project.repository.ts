import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { DatasetEntity, FileEntity, ProjectEntity } from '../entities';

export interface ProjectWithCounts {
  project: ProjectEntity;
  datasetCount: number;
  fileCount: number;
  totalFileSize: number;
}

@Injectable()
export class ProjectRepository {
  private readonly projects: Repository<ProjectEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.projects = dataSource.getRepository(ProjectEntity);
  }

  findByName(name: string): Promise<ProjectEntity | null> {
    return this.projects.findOne({ where: { name } });
  }

  findById(id: string): Promise<ProjectEntity | null> {
    return this.projects.findOne({ where: { id } });
  }

  /** Inserts the project; returns null when the name is taken (the unique constraint decides). */
  async create(values: Partial<ProjectEntity> & { name: string }): Promise<ProjectEntity | null> {
    const result = await this.projects.createQueryBuilder().insert().values(values).orIgnore().returning('*').execute();
    if (result.identifiers.length === 0 || !result.identifiers[0]) return null;
    return this.findByName(values.name);
  }

  async update(id: string, values: Partial<ProjectEntity>): Promise<void> {
    await this.projects.update({ id }, values);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.projects.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Keyset page ordered by name; `after` is the last name of the previous page; `names` limits to those. */
  list(options: {
    prefix?: string;
    after?: string;
    limit: number;
    names?: readonly string[];
  }): Promise<ProjectEntity[]> {
    if (options.names && options.names.length === 0) return Promise.resolve([]);
    const qb = this.projects.createQueryBuilder('p').orderBy('p.name', 'ASC').limit(options.limit);
    if (options.prefix) qb.andWhere('p.name LIKE :prefix', { prefix: `${escapeLike(options.prefix)}%` });
    if (options.after !== undefined) qb.andWhere('p.name > :after', { after: options.after });
    if (options.names) qb.andWhere('p.name IN (:...names)', { names: [...options.names] });
    return qb.getMany();
  }

  async counts(projectId: string): Promise<Omit<ProjectWithCounts, 'project'>> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(DISTINCT d.id)', 'datasetCount')
      .addSelect('COUNT(f.id)', 'fileCount')
      .addSelect('COALESCE(SUM(f.size), 0)', 'totalFileSize')
      .from(DatasetEntity, 'd')
      .leftJoin(FileEntity, 'f', 'f.dataset_id = d.id')
      .where('d.project_id = :projectId', { projectId })
      .getRawOne<{ datasetCount: string; fileCount: string; totalFileSize: string }>();
    return {
      datasetCount: Number(row?.datasetCount ?? 0),
      fileCount: Number(row?.fileCount ?? 0),
      totalFileSize: Number(row?.totalFileSize ?? 0),
    };
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
