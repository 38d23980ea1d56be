import { DynamicModule, Module } from '@nestjs/common';
import { STORAGE_OPTIONS, StorageOptions, StorageRepository } from './storage.repository';

@Module({})
export class StorageModule {
  static register(options: StorageOptions): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [{ provide: STORAGE_OPTIONS, useValue: options }, StorageRepository],
      exports: [StorageRepository],
    };
  }
}
