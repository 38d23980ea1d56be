import { TaskEntity } from '@app/database';
import type { ImmTask } from '../common/imm-responses';
import { immTime } from '../common/imm-schemas';

/** IMM TaskInfo (GetTask returns these fields at the top level, ListTasks as `Tasks[]`). */
export function toImmTask(task: TaskEntity, projectName: string): ImmTask {
  return {
    ProjectName: projectName,
    TaskType: task.taskType,
    TaskId: task.id,
    Status: task.status,
    Code: task.code ?? undefined,
    Message: task.message ?? undefined,
    StartTime: immTime(task.startTime),
    EndTime: immTime(task.endTime),
    Progress: task.progress,
    UserData: task.userData ?? undefined,
    Tags: task.tags,
    EventId: task.eventId,
  };
}

/** `a=1,b=2` -> { a: '1', b: '2' } */
export function parseTagSelector(selector: string | undefined): Record<string, string> | undefined {
  if (!selector) return undefined;
  return Object.fromEntries(
    selector.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
