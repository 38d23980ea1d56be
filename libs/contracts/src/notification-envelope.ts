import { TaskType } from './imm';
import { NotificationEnvelope } from './queues';

/** What a task's notification is built from (a TaskEntity has these fields). */
export interface TaskNotificationSource {
  id: string;
  taskType: string;
  status: string;
  code: string | null;
  message: string | null;
  startTime: Date;
  endTime: Date | null;
  userData: string | null;
  tags: unknown;
  details: Record<string, unknown> | null;
  /** The task's IMM EventId: also the envelope's id, so a receiver can drop a repeated delivery. */
  eventId: string;
  requestId: string | null;
}

/** The HTTP endpoint of an IMM Notification, when it has one (MNS/RocketMQ targets are kept, not delivered). */
export function httpEndpointOf(notification: unknown): string | null {
  if (!notification || typeof notification !== 'object') return null;
  const http = (notification as { HTTP?: { Endpoint?: unknown } }).HTTP;
  const endpoint = http?.Endpoint;
  if (typeof endpoint !== 'string') return null;
  try {
    const url = new URL(endpoint);
    return url.protocol === 'http:' || url.protocol === 'https:' ? endpoint : null;
  } catch {
    return null;
  }
}

/** IMM event type of a task's notification. */
export function notificationType(taskType: string): string {
  return taskType === TaskType.FaceClustering ? 'imm:Task:FaceClustering' : `imm:Task:${taskType}`;
}

/** The IMM notification envelope for a finished task (pure). */
export function buildTaskEnvelope(
  task: TaskNotificationSource,
  names: { projectName: string; datasetName: string | null },
  now = new Date(),
): NotificationEnvelope {
  const content: Record<string, unknown> = {
    ProjectName: names.projectName,
    DatasetName: names.datasetName ?? undefined,
    TaskType: task.taskType,
    TaskId: task.id,
    RequestId: task.requestId ?? undefined,
    EventId: task.eventId,
    Status: task.status,
    Code: task.code ?? '',
    Message: task.message ?? '',
    StartTime: task.startTime.toISOString(),
    EndTime: task.endTime ? task.endTime.toISOString() : undefined,
    UserData: task.userData ?? undefined,
    Tags: task.tags,
  };
  if (task.taskType === TaskType.IndexFileMeta) {
    const files = Array.isArray(task.details?.['files'])
      ? (task.details['files'] as Array<{ URI?: unknown; Error?: unknown }>)
      : [];
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    content['Files'] = files.map((f) => ({ URI: text(f.URI), Error: text(f.Error) }));
  }
  return {
    id: task.eventId,
    source: 'acs:imm',
    specversion: '1.0',
    type: notificationType(task.taskType),
    subject: `acs:imm::project/${names.projectName}/task/${task.id}`,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    content,
  };
}
