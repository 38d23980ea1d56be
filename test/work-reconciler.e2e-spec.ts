import { APP_CONFIG, databaseOptions, IndexerConfig, indexerEnvSchema, loadConfig, redisConnection } from '@app/config';
import { waitFor } from '@app/testing';
import { UnrecoverableError, Worker } from 'bullmq';
import { jobId, QueueName, TaskType } from '@app/contracts';
import { DatabaseModule, DatasetRepository, FileRepository, ProjectRepository, TaskRepository } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { face, Seeder } from './gateway-harness';
import { Stack, startStack } from './support/stack';
import { WORK_LOST, WorkReconciler } from '../apps/indexer/src/indexer.app';

/**
 * The reconciler against real PostgreSQL and Redis: what an outage leaves behind (pending files whose jobs Redis
 * lost, tasks nothing will end, faces no run will cluster) is repaired from the database's view of the work.
 */
describe('WorkReconciler (Postgres + Redis)', () => {
  let stack: Stack;
  let ctx: INestApplication;
  let reconciler: WorkReconciler;
  let datasetId: string;
  let projectId: string;
  let config: IndexerConfig;

  beforeAll(async () => {
    stack = await startStack({ label: 'reconcile', gateway: false, indexer: false, clusterers: 0 });
    config = loadConfig(indexerEnvSchema, { ...stack.env, RECONCILE_INTERVAL_MS: '0', RECONCILE_GRACE_MS: '0' });
    @Module({
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        MessagingModule.forRoot(config, [QueueName.Index, QueueName.Cluster]),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, WorkReconciler],
    })
    class ReconcilerTestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ReconcilerTestModule] }).compile();
    ctx = moduleRef.createNestApplication({ logger: false });
    await ctx.init();
    reconciler = ctx.get(WorkReconciler);
    const project = (await ctx.get(ProjectRepository).create({ name: 'p' }))!;
    projectId = project.id;
    datasetId = (await ctx.get(DatasetRepository).create({ projectId, name: 'd' }))!.id;
  });
  afterAll(async () => {
    await ctx?.close();
    await stack?.stop();
  });

  it('re-enqueues pending files whose jobs are gone, replacing a failed job, and leaves live ones alone', async () => {
    const files = ctx.get(FileRepository);
    const [lost, failed, queued] = await files.upsertPending(
      ['lost', 'failed', 'queued'].map((name) => ({
        datasetId,
        uri: `oss://photos/${name}.jpg`,
        bucket: 'photos',
        objectKey: `${name}.jpg`,
      })),
    );
    const data = (fileId: string) => ({ name: 'index-file', fileId, datasetId, uri: 'x' });
    // A job whose retries ran out while Postgres was down (kept as failed), and one that will still run.
    await stack.queues.index.add('index-file', data(failed.id), { jobId: jobId.indexFile(failed.id) });
    const worker = new Worker(QueueName.Index, () => Promise.reject(new UnrecoverableError('Connection terminated')), {
      connection: redisConnection(config),
      prefix: stack.queuePrefix,
    });
    await waitFor(
      async () => (await stack.queues.index.getJobState(jobId.indexFile(failed.id))) === 'failed',
      'the job to fail',
    );
    await worker.close();
    await stack.queues.index.add('index-file', data(queued.id), { jobId: jobId.indexFile(queued.id), delay: 60_000 });

    const report = await reconciler.reconcile(new Date(Date.now() + 1000));
    expect(report.reenqueuedFiles).toBe(2);
    for (const file of [lost, failed]) {
      expect(await stack.queues.index.getJobState(jobId.indexFile(file.id))).toBe('waiting');
    }
    expect(await stack.queues.index.getJobState(jobId.indexFile(queued.id))).toBe('delayed');
    // A second pass finds every pending file with a live job: nothing to do.
    expect((await reconciler.reconcile(new Date(Date.now() + 1000))).reenqueuedFiles).toBe(0);
    await stack.queues.index.obliterate({ force: true });
    await files.markFailed(lost.id, 'InvalidImage.Corrupt', 'x');
    await files.markFailed(failed.id, 'InvalidImage.Corrupt', 'x');
    await files.markFailed(queued.id, 'InvalidImage.Corrupt', 'x');
  });

  it('schedules clustering for a dataset with unclustered faces once nothing is pending', async () => {
    const seeder = new Seeder(ctx);
    await seeder.indexedFile(datasetId, 'oss://photos/face.jpg', [face()]);
    const report = await reconciler.reconcile(new Date(Date.now() + 1000));
    expect(report.scheduledClusterings).toBe(1);
    const jobs = await stack.queues.cluster.getJobs(['delayed', 'waiting']);
    expect(jobs.map((j) => j.data.datasetId)).toEqual([datasetId]);
    // Debounced: the next pass sees the live run.
    expect((await reconciler.reconcile(new Date(Date.now() + 1000))).scheduledClusterings).toBe(0);
    await stack.queues.cluster.obliterate({ force: true });
  });

  it('fails Running tasks whose work is gone with InternalError.WorkLost, and keeps those with live jobs', async () => {
    const tasks = ctx.get(TaskRepository);
    const start = (type: string, id: string) =>
      tasks.create({
        id,
        projectId,
        datasetId,
        taskType: type,
        eventId: `e-${id}`,
        requestId: null,
        userData: null,
        tags: [],
        notification: null,
        details: {},
        ttlDays: 1,
      });
    await start(TaskType.IndexFileMeta, 'IndexFileMeta-lost');
    await start(TaskType.FaceClustering, 'FaceClustering-lost');
    await start(TaskType.FaceClustering, 'FaceClustering-live');
    await stack.queues.cluster.add(
      'cluster-dataset',
      { name: 'cluster-dataset', datasetId, trigger: 'request', taskId: 'FaceClustering-live' },
      { jobId: jobId.clusterRequest('FaceClustering-live'), delay: 60_000 },
    );
    const report = await reconciler.reconcile(new Date(Date.now() + 1000));
    expect(report.failedTasks).toBe(2);
    for (const id of ['IndexFileMeta-lost', 'FaceClustering-lost']) {
      expect(await tasks.findById(id)).toMatchObject({ status: 'Failed', code: WORK_LOST });
    }
    expect(await tasks.findById('FaceClustering-live')).toMatchObject({ status: 'Running' });
  });
});
