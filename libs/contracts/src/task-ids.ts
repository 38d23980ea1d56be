import { randomBytes, randomUUID } from 'node:crypto';

/** IMM names clustering task ids after the operation that starts them, not after the task type. */
const taskIdPrefix: Readonly<Record<string, string>> = { FaceClustering: 'CreateFigureClusteringTask' };

/**
 * IMM task ids (shared by the gateway's requested tasks and the workers' own): `<prefix>-<uuid>`, the prefix
 * as IMM's (`CreateFigureClusteringTask-…` for FaceClustering, the task type otherwise).
 */
export function newTaskId(taskType: string): string {
  return `${taskIdPrefix[taskType] ?? taskType}-${randomUUID()}`;
}

/** IMM-style EventId (e.g. `2F6-1Bz99Xi93EnRpNEyLudILJm`). */
export function newEventId(): string {
  return `${randomBytes(2).toString('hex').slice(0, 3).toUpperCase()}-${randomBytes(18).toString('base64url')}`;
}
