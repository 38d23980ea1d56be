import { buildTaskEnvelope, httpEndpointOf } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { JsonObject } from '../entities/json';
import { DataSource, EntityManager, LessThan, Repository } from 'typeorm';
import { TaskEntity } from '../entities';
import { addOutboxEvent } from './outbox.repository';

export interface NewTask {
  id: string;
  projectId: string;
  datasetId: string | null;
  taskType: string;
  eventId: string;
  requestId?: string | null;
  userData?: string | null;
  tags?: TaskEntity['tags'];
  notification?: JsonObject | null;
  details?: JsonObject;
  ttlDays: number;
}

export interface TaskListFilter {
  projectId: string;
  taskTypes?: string[];
  status?: string;
  tagSelector?: Record<string, string>;
  startTimeRange?: { start?: Date; end?: Date };
  endTimeRange?: { start?: Date; end?: Date };
  /** IMM's ListTasks sort keys; ties (and TaskId itself) are broken by the task id. */
  sort: TaskSort;
  order: 'ASC' | 'DESC';
  /** Keyset cursor: the last row of the previous page, as `taskSortValue` gives it, and its id. */
  after?: { value: string; id: string };
  limit: number;
}

export type TaskSort = 'TaskId' | 'StartTime' | 'EndTime';

/**
 * The SQL key of each sort (millisecond precision, as the cursor round-trips through a JS Date; a running task
 * has no end time and sorts as +infinity, i.e. last ascending) and the same key read from a row for the cursor.
 */
const SORT_KEYS: Record<Exclude<TaskSort, 'TaskId'>, string> = {
  StartTime: "date_trunc('milliseconds', t.start_time)",
  EndTime: "COALESCE(date_trunc('milliseconds', t.end_time), 'infinity'::timestamptz)",
};

export function taskSortValue(task: TaskEntity, sort: TaskSort): string {
  if (sort === 'TaskId') return task.id;
  const time = sort === 'StartTime' ? task.startTime : task.endTime;
  return time ? time.toISOString() : 'infinity';
}

@Injectable()
export class TaskRepository {
  private readonly tasks: Repository<TaskEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.tasks = dataSource.getRepository(TaskEntity);
  }

  async create(task: NewTask): Promise<TaskEntity> {
    const { ttlDays, ...values } = task;
    const entity = this.tasks.create({
      ...values,
      status: 'Running',
      progress: 0,
      tags: values.tags ?? [],
      details: values.details ?? {},
      expiresAt: new Date(Date.now() + ttlDays * 86_400_000),
    });
    return this.tasks.save(entity);
  }

  /** A live (unexpired) task of a project. */
  findLive(projectId: string, id: string): Promise<TaskEntity | null> {
    return this.tasks
      .createQueryBuilder('t')
      .where('t.id = :id AND t.project_id = :projectId AND t.expires_at > now()', { id, projectId })
      .getOne();
  }

  findById(id: string): Promise<TaskEntity | null> {
    return this.tasks.findOne({ where: { id } });
  }

  async setProgress(id: string, progress: number, details?: JsonObject): Promise<void> {
    await this.tasks.update({ id }, details ? { progress, details } : { progress });
  }

  /**
   * Moves a Running task to its end state; a task that already ended is left alone. Returns whether it changed.
   * When the task has an HTTP notification endpoint, its IMM notification is written to the outbox in the same
   * transaction (see OutboxRepository): the webhook cannot be lost once the end state is committed.
   */
  async finish(
    id: string,
    outcome: { status: 'Succeeded' | 'Failed'; code?: string; message?: string; details?: JsonObject },
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(TaskEntity)
        .set({
          status: outcome.status,
          code: outcome.code ?? (outcome.status === 'Succeeded' ? 'Success' : 'InternalError'),
          message: outcome.message ?? (outcome.status === 'Succeeded' ? 'Success' : 'Failed'),
          progress: 100,
          endTime: () => 'now()',
          ...(outcome.details ? { details: outcome.details } : {}),
        })
        .where("id = :id AND status = 'Running'", { id })
        .execute();
      if ((result.affected ?? 0) === 0) return false;
      await this.addEndNotification(manager, id);
      return true;
    });
  }

  private async addEndNotification(manager: EntityManager, id: string): Promise<void> {
    const task = await manager.findOneByOrFail(TaskEntity, { id });
    const destination = httpEndpointOf(task.notification);
    if (!destination) return;
    const [names] = await manager.query<Array<{ projectName: string; datasetName: string | null }>>(
      `SELECT p.name AS "projectName", d.name AS "datasetName"
         FROM projects p LEFT JOIN datasets d ON d.id = $2 WHERE p.id = $1`,
      [task.projectId, task.datasetId],
    );
    const envelope = buildTaskEnvelope(task, {
      projectName: names?.projectName ?? '',
      datasetName: names?.datasetName ?? null,
    });
    await addOutboxEvent(manager, {
      eventId: envelope.id,
      eventType: envelope.type,
      destination,
      payload: envelope,
    });
  }

  /**
   * Atomically records one file of an indexing task as done (or failed) and returns the new counters.
   * details = { total, done, failed, files: [{URI, Error}] }.
   */
  async recordFileOutcome(
    id: string,
    uri: string,
    error: string | null,
  ): Promise<{ total: number; done: number; failed: number } | null> {
    // TypeORM returns [rows, affectedCount] for UPDATE ... RETURNING.
    const [rows]: [Array<{ details: { total: number; done: number; failed: number } }>, number] =
      await this.dataSource.query(
        `UPDATE tasks SET
         details = jsonb_set(jsonb_set(jsonb_set(details,
           '{done}', to_jsonb(COALESCE((details->>'done')::int, 0) + 1)),
           '{failed}', to_jsonb(COALESCE((details->>'failed')::int, 0) + $3::int)),
           '{files}', COALESCE(details->'files', '[]'::jsonb) || jsonb_build_array(jsonb_build_object('URI', $2::text, 'Error', COALESCE($4::text, ''))))
       WHERE id = $1 RETURNING details`,
        [id, uri, error ? 1 : 0, error],
      );
    const details = rows[0]?.details;
    if (!details) return null;
    const progress = details.total > 0 ? Math.min(100, Math.floor((details.done / details.total) * 100)) : 100;
    await this.dataSource.query('UPDATE tasks SET progress = $2 WHERE id = $1', [id, progress]);
    return { total: details.total, done: details.done, failed: details.failed };
  }

  list(filter: TaskListFilter): Promise<TaskEntity[]> {
    const qb = this.tasks
      .createQueryBuilder('t')
      .where('t.project_id = :projectId AND t.expires_at > now()', { projectId: filter.projectId })
      .limit(filter.limit);
    const key = filter.sort === 'TaskId' ? undefined : SORT_KEYS[filter.sort];
    if (key) qb.orderBy(key, filter.order).addOrderBy('t.id', filter.order);
    else qb.orderBy('t.id', filter.order);
    if (filter.taskTypes?.length) qb.andWhere('t.task_type IN (:...types)', { types: filter.taskTypes });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.tagSelector && Object.keys(filter.tagSelector).length > 0) {
      qb.andWhere('t.tags @> :tags::jsonb', { tags: JSON.stringify(filter.tagSelector) });
    }
    const range = (column: string, r?: { start?: Date; end?: Date }, key = column): void => {
      if (r?.start) qb.andWhere(`${column} >= :${key}Start`, { [`${key}Start`]: r.start });
      if (r?.end) qb.andWhere(`${column} <= :${key}End`, { [`${key}End`]: r.end });
    };
    range('t.start_time', filter.startTimeRange, 'st');
    range('t.end_time', filter.endTimeRange, 'et');
    if (filter.after) {
      const op = filter.order === 'ASC' ? '>' : '<';
      const after = { afterValue: filter.after.value, afterId: filter.after.id };
      if (key) qb.andWhere(`(${key}, t.id) ${op} (:afterValue::timestamptz, :afterId)`, after);
      else qb.andWhere(`t.id ${op} :afterId`, after);
    }
    return qb.getMany();
  }

  /** The latest live tasks of a dataset, newest first (operator dashboard). */
  listForDataset(datasetId: string, limit: number): Promise<TaskEntity[]> {
    return this.tasks
      .createQueryBuilder('t')
      .where('t.dataset_id = :datasetId AND t.expires_at > now()', { datasetId })
      .orderBy('t.start_time', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.tasks.delete({ expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}
