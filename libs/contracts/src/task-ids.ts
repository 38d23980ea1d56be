import { randomBytes, randomUUID } from 'node:crypto';

/** IMM task ids (shared by the gateway's requested tasks and the workers' own): `<TaskType>-<uuid>`. */
export function newTaskId(taskType: string): string {
  return `${taskType}-${randomUUID()}`;
}

/** IMM-style EventId (e.g. `2F6-1Bz99Xi93EnRpNEyLudILJm`). */
export function newEventId(): string {
  return `${randomBytes(2).toString('hex').slice(0, 3).toUpperCase()}-${randomBytes(18).toString('base64url')}`;
}
