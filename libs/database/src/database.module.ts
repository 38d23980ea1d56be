import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions, DatabaseOptions } from './data-source';
import { BindingRepository } from './repositories/binding.repository';
import { DatasetRepository } from './repositories/dataset.repository';
import { FigureClusterRepository } from './repositories/figure-cluster.repository';
import { FileRepository } from './repositories/file.repository';
import { FileSearchRepository } from './repositories/file-search.repository';
import { ProjectRepository } from './repositories/project.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { TaskRepository } from './repositories/task.repository';

export const repositories = [
  ProjectRepository,
  DatasetRepository,
  BindingRepository,
  FileRepository,
  FileSearchRepository,
  FigureClusterRepository,
  TaskRepository,
  OutboxRepository,
];

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(options))],
      providers: repositories,
      exports: repositories,
    };
  }
}
