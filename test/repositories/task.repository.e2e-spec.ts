/**
 * TaskRepository against real PostgreSQL: ListTasks' filters and its three sort keys with keyset paging
 * (running tasks have no end time and sort last ascending), expiry, the one-way finish and the atomic
 * per-file counters of an indexing task.
 */
import { TaskEntity, TaskListFilter, TaskRepository, TaskSort, taskSortValue } from '@app/database';
import { createTestDataSource, entityFactories, EntityFactories, TestDataSource } from '@app/testing';

describe('TaskRepository (real Postgres)', () => {
  let db: TestDataSource;
  let make: EntityFactories;
  let tasks: TaskRepository;
  let projectId: string;
  let datasetId: string;
  const hour = 3_600_000;
  const base = Date.parse('2026-11-01T00:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDataSource('tasks');
    make = entityFactories(db.dataSource);
    tasks = new TaskRepository(db.dataSource);
    const dataset = await make.dataset();
    projectId = dataset.projectId;
    datasetId = dataset.id;
    // Six tasks: start times tie in pairs, two still running, one tagged pair, and one expired task.
    for (let i = 0; i < 6; i++) {
      const running = i === 2 || i === 5;
      await make.task({
        id: `${i % 2 ? 'FaceClustering' : 'IndexFileMeta'}-task-${i}`,
        projectId,
        datasetId,
        taskType: i % 2 ? 'FaceClustering' : 'IndexFileMeta',
        status: running ? 'Running' : i === 3 ? 'Failed' : 'Succeeded',
        startTime: new Date(base + Math.floor(i / 2) * hour),
        endTime: running ? null : new Date(base + (10 - i) * hour),
        tags: i < 2 ? { album: 'beach', owner: `u${i}` } : {},
      });
    }
    await make.task({ id: 'FaceClustering-expired', projectId, expiresAt: new Date(Date.now() - 1000) });
    await make.task({ id: 'FaceClustering-other-project' });
  });

  afterAll(async () => {
    await db?.close();
  });

  const filter = (values: Partial<TaskListFilter> = {}): TaskListFilter => ({
    projectId,
    sort: 'TaskId',
    order: 'ASC',
    limit: 100,
    ...values,
  });
  const ids = (list: TaskEntity[]): string[] => list.map((t) => t.id);

  async function allPages(query: TaskListFilter): Promise<string[]> {
    const out: TaskEntity[] = [];
    let after: TaskListFilter['after'];
    for (let guard = 0; guard < 100; guard++) {
      const page = await tasks.list({ ...query, ...(after ? { after } : {}) });
      out.push(...page);
      if (page.length < query.limit) break;
      const last = page[page.length - 1];
      after = { value: taskSortValue(last, query.sort), id: last.id };
    }
    return ids(out);
  }

  it('lists the live tasks of one project', async () => {
    expect(ids(await tasks.list(filter()))).toEqual([
      'FaceClustering-task-1',
      'FaceClustering-task-3',
      'FaceClustering-task-5',
      'IndexFileMeta-task-0',
      'IndexFileMeta-task-2',
      'IndexFileMeta-task-4',
    ]);
    expect(await tasks.findLive(projectId, 'FaceClustering-expired')).toBeNull();
    expect(await tasks.findById('FaceClustering-expired')).not.toBeNull();
    expect(await tasks.findLive(projectId, 'FaceClustering-other-project')).toBeNull();
    expect((await tasks.findLive(projectId, 'IndexFileMeta-task-0'))?.status).toBe('Succeeded');
  });

  it('filters by type, status, tags and time ranges', async () => {
    expect(ids(await tasks.list(filter({ taskTypes: ['FaceClustering'] })))).toHaveLength(3);
    expect(ids(await tasks.list(filter({ status: 'Running' })))).toEqual([
      'FaceClustering-task-5',
      'IndexFileMeta-task-2',
    ]);
    expect(ids(await tasks.list(filter({ tagSelector: { album: 'beach' } })))).toEqual([
      'FaceClustering-task-1',
      'IndexFileMeta-task-0',
    ]);
    expect(ids(await tasks.list(filter({ tagSelector: { album: 'beach', owner: 'u1' } })))).toEqual([
      'FaceClustering-task-1',
    ]);
    const startTimeRange = { start: new Date(base + hour), end: new Date(base + hour) };
    expect(ids(await tasks.list(filter({ startTimeRange })))).toEqual([
      'FaceClustering-task-3',
      'IndexFileMeta-task-2',
    ]);
    // Running tasks have no end time, so an end-time range never matches them.
    const endTimeRange = { start: new Date(base), end: new Date(base + 9 * hour) };
    expect(ids(await tasks.list(filter({ endTimeRange })))).toEqual([
      'FaceClustering-task-1',
      'FaceClustering-task-3',
      'IndexFileMeta-task-4',
    ]);
  });

  const expected: Record<TaskSort, string[]> = {
    TaskId: [
      'FaceClustering-task-1',
      'FaceClustering-task-3',
      'FaceClustering-task-5',
      'IndexFileMeta-task-0',
      'IndexFileMeta-task-2',
      'IndexFileMeta-task-4',
    ],
    // Ties on the start time are broken by the id, in the same direction.
    StartTime: [
      'FaceClustering-task-1',
      'IndexFileMeta-task-0',
      'FaceClustering-task-3',
      'IndexFileMeta-task-2',
      'FaceClustering-task-5',
      'IndexFileMeta-task-4',
    ],
    // Ended tasks by end time (task 4 ended first), then the running ones as if they ended at +infinity.
    EndTime: [
      'IndexFileMeta-task-4',
      'FaceClustering-task-3',
      'FaceClustering-task-1',
      'IndexFileMeta-task-0',
      'FaceClustering-task-5',
      'IndexFileMeta-task-2',
    ],
  };
  for (const sort of ['TaskId', 'StartTime', 'EndTime'] as const) {
    it(`sorts by ${sort} both ways and pages through every task once`, async () => {
      expect(ids(await tasks.list(filter({ sort })))).toEqual(expected[sort]);
      expect(ids(await tasks.list(filter({ sort, order: 'DESC' })))).toEqual([...expected[sort]].reverse());
      for (const limit of [1, 2, 4]) {
        expect(await allPages(filter({ sort, limit }))).toEqual(expected[sort]);
        expect(await allPages(filter({ sort, order: 'DESC', limit }))).toEqual([...expected[sort]].reverse());
      }
    });
  }

  it('finishes a running task once, with IMM defaults for code and message', async () => {
    const created = await tasks.create({
      id: 'FaceClustering-finish',
      projectId,
      datasetId,
      taskType: 'FaceClustering',
      eventId: 'e-1',
      ttlDays: 7,
    });
    expect(created).toMatchObject({ status: 'Running', progress: 0, endTime: null, details: {}, tags: [] });
    expect(created.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * hour);
    expect(await tasks.finish(created.id, { status: 'Succeeded' })).toBe(true);
    expect(await tasks.finish(created.id, { status: 'Failed', code: 'X', message: 'late' })).toBe(false);
    const done = (await tasks.findById(created.id))!;
    expect(done).toMatchObject({ status: 'Succeeded', code: 'Success', message: 'Success', progress: 100 });
    expect(done.endTime).toBeInstanceOf(Date);
    const failed = await make.task({ projectId });
    await tasks.finish(failed.id, { status: 'Failed' });
    expect(await tasks.findById(failed.id)).toMatchObject({ code: 'InternalError', message: 'Failed' });
  });

  it('counts the files of an indexing task atomically, with the progress they make', async () => {
    const task = await make.task({ projectId, taskType: 'IndexFileMeta', details: { total: 4 } });
    const outcomes = await Promise.all([
      tasks.recordFileOutcome(task.id, 'oss://p/a.jpg', null),
      tasks.recordFileOutcome(task.id, 'oss://p/b.jpg', 'InvalidImage.Decode'),
      tasks.recordFileOutcome(task.id, 'oss://p/c.jpg', null),
    ]);
    expect(outcomes.map((o) => o?.done).sort()).toEqual([1, 2, 3]);
    const stored = (await tasks.findById(task.id))!;
    expect(stored.details).toMatchObject({ total: 4, done: 3, failed: 1 });
    expect((stored.details.files as Array<{ URI: string; Error: string }>).map((f) => f.Error).sort()).toEqual([
      '',
      '',
      'InvalidImage.Decode',
    ]);
    expect(await tasks.recordFileOutcome(task.id, 'oss://p/d.jpg', null)).toEqual({ total: 4, done: 4, failed: 1 });
    expect((await tasks.findById(task.id))!.progress).toBe(100);
    expect(await tasks.recordFileOutcome('IndexFileMeta-missing', 'oss://p/a.jpg', null)).toBeNull();
  });

  it('lists a dataset newest first and purges expired tasks', async () => {
    const recent = await tasks.listForDataset(datasetId, 2);
    expect(recent).toHaveLength(2);
    expect(recent[0].startTime.getTime()).toBeGreaterThanOrEqual(recent[1].startTime.getTime());
    expect(await tasks.purgeExpired()).toBe(1);
    expect(await tasks.findById('FaceClustering-expired')).toBeNull();
    expect(await tasks.purgeExpired()).toBe(0);
  });
});
