import { APP_CONFIG, GatewayConfig } from '@app/config';
import { DomainError, ErrorCode, newEventId, newTaskId, ResourceNotFoundError } from '@app/contracts';
import { NewTask, TaskRepository, taskSortValue } from '@app/database';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ImmTask, ListTasksResponse } from '../common/imm-responses';
import { toRange } from '../common/imm-schemas';
import { cursorPart, keysetPage, NextTokenCodec } from '../common/next-token';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { ListTasksRequest } from './task.dto';
import { parseTagSelector, toImmTask } from './task.mapper';

// The sort value is the last row's task id (TaskId) or its time (StartTime, EndTime; 'infinity' = no end yet).
const taskCursor = z.discriminatedUnion('s', [
  z.strictObject({ s: z.literal('TaskId'), o: z.enum(['ASC', 'DESC']), v: cursorPart.name, i: cursorPart.name }),
  z.strictObject({
    s: z.enum(['StartTime', 'EndTime']),
    o: z.enum(['ASC', 'DESC']),
    v: z.union([cursorPart.time, z.literal('infinity')]),
    i: cursorPart.name,
  }),
]);

@Injectable()
export class TaskService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly lookup: ResourceLookupService,
    private readonly tasks: TaskRepository,
    private readonly tokens: NextTokenCodec,
  ) {}

  /**
   * Records the Running task of an IMM request: TaskId `<TaskType>-<uuid>`, a new EventId, the request's
   * UserData, Tags and Notification, and the TASK_TTL_DAYS expiry.
   */
  async start(
    taskType: string,
    scope: { projectId: string; datasetId: string },
    request: { UserData?: string; Tags?: NewTask['tags']; Notification?: NewTask['notification'] },
    requestId: string,
    details?: NewTask['details'],
  ): Promise<{ taskId: string; eventId: string }> {
    const taskId = newTaskId(taskType);
    const eventId = newEventId();
    await this.tasks.create({
      id: taskId,
      ...scope,
      taskType,
      eventId,
      requestId,
      userData: request.UserData ?? null,
      tags: request.Tags ?? [],
      notification: request.Notification ?? null,
      details,
      ttlDays: this.config.TASK_TTL_DAYS,
    });
    return { taskId, eventId };
  }

  /** GetTask: a live task of the project (records expire after TASK_TTL_DAYS, as in IMM). */
  async get(projectName: string, taskType: string, taskId: string): Promise<ImmTask> {
    const project = await this.lookup.project(projectName);
    const task = await this.tasks.findLive(project.id, taskId);
    if (!task || task.taskType !== taskType)
      throw new ResourceNotFoundError(`The task ${taskId.slice(0, 128)} does not exist.`);
    return toImmTask(task, project.name);
  }

  /** ListTasks with IMM's defaults: sorted by TaskId, ascending; keyset pages whatever the sort. */
  async list(request: ListTasksRequest): Promise<ListTasksResponse> {
    const sort = request.Sort ?? 'TaskId';
    const order = (request.Order ?? 'asc').toUpperCase() as 'ASC' | 'DESC';
    const cursor = this.tokens.decode(request.NextToken, ['ListTasks', request.ProjectName], taskCursor);
    if (cursor && (cursor.o !== order || cursor.s !== sort))
      throw new DomainError(ErrorCode.InvalidNextToken, 'The parameter NextToken does not belong to this query.');
    const project = await this.lookup.project(request.ProjectName);
    const limit = request.MaxResults || 100;
    const rows = await this.tasks.list({
      projectId: project.id,
      taskTypes: request.TaskTypes,
      status: request.Status,
      tagSelector: parseTagSelector(request.TagSelector),
      startTimeRange: toRange(request.StartTimeRange),
      endTimeRange: toRange(request.EndTimeRange),
      sort,
      order,
      limit: limit + 1,
      ...(cursor ? { after: { value: cursor.v, id: cursor.i } } : {}),
    });
    const { page, continueAfter: last } = keysetPage(rows, limit);
    return {
      ProjectName: project.name,
      Tasks: page.map((t) => toImmTask(t, project.name)),
      NextToken: last
        ? this.tokens.encode(['ListTasks', request.ProjectName], {
            s: sort,
            o: order,
            v: taskSortValue(last, sort),
            i: last.id,
          })
        : '',
    };
  }
}
