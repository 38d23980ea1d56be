export * from './queues';
export * from './events';
export * from './imm';
export * from './errors';
export * from './task-ids';
export * from './face-similarity';
export * from './face-events';
