export * from './queues';
export * from './events';
export * from './imm';
export * from './embedding-codec';
export * from './errors';
export * from './task-ids';
export * from './notification-envelope';
export * from './unavailable';
