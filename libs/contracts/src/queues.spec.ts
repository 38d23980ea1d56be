import { Queue, UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  addJobs,
  ClusterQueue,
  clusterDebounce,
  FaceQueryJob,
  faceQueryWaitOptions,
  FacesQueue,
  IndexQueue,
  JobName,
  jobOptions,
  NotifyQueue,
  parseJob,
  QueueName,
  ScanQueue,
} from './queues';

describe('queue contracts', () => {
  const fileId = randomUUID();
  const datasetId = randomUUID();
  const index = { name: JobName.IndexFile, fileId, datasetId, uri: 'oss://b/k.jpg' } as const;

  it('give each queue its job id and default options from named fields', () => {
    expect(jobOptions(IndexQueue, index)).toEqual({
      jobId: `index-${fileId}`,
      attempts: IndexQueue.attempts,
      backoff: { type: 'exponential', delay: IndexQueue.backoffMs },
      removeOnComplete: IndexQueue.removeOnComplete,
      removeOnFail: IndexQueue.removeOnFail,
    });
    const scan = jobOptions(ScanQueue, { name: JobName.ScanBinding, bindingId: datasetId, startAfter: 'a/b' });
    expect(scan.jobId).toMatch(/^scan:[0-9a-f-]+:[A-Za-z0-9_-]+$/);
    expect(scan.removeOnFail).toEqual(ScanQueue.removeOnFail);
    const delivery = { name: JobName.DeliverNotification, eventId: 'E-1', endpoint: 'http://h/x' };
    expect(jobOptions(NotifyQueue, { ...delivery, body: {} as never }).jobId).toBe('notify-E-1');
  });

  it('use one job per requested clustering task and BullMQ ids for debounced runs', () => {
    const taskId = 'FaceClustering-1';
    expect(
      jobOptions(ClusterQueue, { name: JobName.ClusterDataset, datasetId, trigger: 'request', taskId }).jobId,
    ).toBe(`cluster-task-${taskId}`);
    const debounced = jobOptions(
      ClusterQueue,
      { name: JobName.ClusterDataset, datasetId, trigger: 'debounce' },
      clusterDebounce(datasetId, 0),
    );
    expect(debounced.jobId).toBeUndefined();
    expect(debounced).toMatchObject({
      attempts: ClusterQueue.attempts,
      delay: 0,
      deduplication: { id: `cluster:${datasetId}`, ttl: 1, extend: true, replace: true },
    });
  });

  it('add a batch with options per payload on top of the defaults (fair-indexing priorities)', async () => {
    const added: Array<{ name: string; data: unknown; opts: Record<string, unknown> }> = [];
    const queue = { addBulk: async (jobs: typeof added) => added.push(...jobs) } as unknown as Queue;
    const other = { ...index, fileId: randomUUID(), datasetId: randomUUID() };
    await addJobs(queue, IndexQueue, [index, other], (job) => ({ priority: job.datasetId === datasetId ? 7 : 300 }));
    expect(added.map((j) => [j.opts.jobId, j.opts.priority, j.opts.attempts])).toEqual([
      [`index-${fileId}`, 7, IndexQueue.attempts],
      [`index-${other.fileId}`, 300, IndexQueue.attempts],
    ]);
    await expect(addJobs(queue, IndexQueue, [{ ...index, fileId: 'x' }], { priority: 1 })).rejects.toThrow();
  });

  it('carry the window start of a debounced clustering run (the max wait), a non-negative integer', () => {
    const run = { name: JobName.ClusterDataset, datasetId, trigger: 'debounce', windowStartedAt: 1_700_000_000_000 };
    expect(parseJob(ClusterQueue, run)).toEqual(run);
    expect(() => parseJob(ClusterQueue, { ...run, windowStartedAt: -1 })).toThrow(UnrecoverableError);
  });

  it('let consumers accept only payloads that fit the same schema, without retry otherwise', () => {
    expect(parseJob(IndexQueue, { ...index, extra: 1 })).toEqual(index);
    for (const bad of [null, { ...index, fileId: 'x' }, { ...index, name: JobName.ScanBinding }, { datasetId }]) {
      expect(() => parseJob(IndexQueue, bad)).toThrow(UnrecoverableError);
    }
    expect(() => parseJob(ClusterQueue, { name: JobName.ClusterDataset, datasetId, trigger: 'later' })).toThrow(
      new RegExp(QueueName.Cluster),
    );
  });

  it('give a faces-searching task one job per task, and a waited-for face query no id and no retry', () => {
    const task: FaceQueryJob = {
      name: JobName.FaceQuery,
      op: 'faces-search',
      datasetId,
      taskId: 'FacesSearching-1',
      uris: ['oss://b/k.jpg'],
      maxResult: 5,
    };
    expect(jobOptions(FacesQueue, task)).toMatchObject({ jobId: 'faces-search-FacesSearching-1', attempts: 3 });
    const detect = jobOptions(
      FacesQueue,
      { name: JobName.FaceQuery, op: 'detect', uri: 'oss://b/k.jpg' },
      faceQueryWaitOptions,
    );
    expect(detect.jobId).toBeUndefined();
    expect(detect).toMatchObject({ attempts: 1, removeOnComplete: { age: 60 } });
    expect(parseJob(FacesQueue, task)).toEqual(task);
    for (const bad of [
      { ...task, op: 'index' },
      { ...task, uris: [] },
      { ...task, maxResult: 101 },
      { name: JobName.FaceQuery, op: 'compare', uris: ['oss://b/k.jpg'] },
      { name: JobName.FaceQuery, op: 'search', datasetId: 'x', uri: 'oss://b/k.jpg' },
    ]) {
      expect(() => parseJob(FacesQueue, bad)).toThrow(UnrecoverableError);
    }
  });
});
