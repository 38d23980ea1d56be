export * from './storage.repository';
export * from './storage.errors';
export * from './storage.module';
export * from './embedded-s3.server';
