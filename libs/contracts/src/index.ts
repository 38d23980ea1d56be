export * from './queues';
export * from './cluster-schedule';
export * from './index-fairness';
export * from './events';
export * from './imm';
export * from './errors';
export * from './task-ids';
