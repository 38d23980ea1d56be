export * from './env.schema';
export * from './load-config';
export * from './config.tokens';
export * from './connections';
