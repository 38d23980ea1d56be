import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { redisConnection } from '@app/config';
import { DomainEvent, FigureClusterIdIndependent, FigureClusterIdUnavailable, jobId } from '@app/contracts';
import { DatasetRepository, ProjectRepository, TaskRepository as Tasks } from '@app/database';
import { StorageRepository } from '@app/storage';
import { waitFor } from '@app/testing';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { TaskJanitorService } from '../apps/gateway/src/gateway.app';
import { GatewayHarness, Seeder, startGateway } from './gateway-harness';

jest.setTimeout(60_000);

describe('gateway IMM API (real Postgres, Redis, S3)', () => {
  let gw: GatewayHarness;
  let seed: Seeder;
  let datasetId: string;

  beforeAll(async () => {
    // The webhook tests deliver to a plain-http listener on loopback.
    gw = await startGateway('gwapi', { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' });
    seed = new Seeder(gw.app);
  });
  afterAll(async () => gw?.close());

  describe('projects and datasets', () => {
    it('creates, gets, lists with NextToken and deletes projects', async () => {
      for (const name of ['alpha', 'beta', 'gamma']) {
        const res = await gw
          .call('CreateProject', { ProjectName: name, Description: `project ${name}`, DatasetMaxFileCount: 1000 })
          .expect(200);
        expect(res.body).toMatchObject({
          RequestId: expect.any(String),
          Project: { ProjectName: name, DatasetMaxFileCount: 1000 },
        });
      }
      const dup = await gw.call('CreateProject', { ProjectName: 'alpha' }).expect(409);
      expect(dup.body.Code).toBe('ResourceAlreadyExists');

      const got = await gw.call('GetProject', { ProjectName: 'beta', WithStatistics: true }).expect(200);
      expect(got.body.Project).toMatchObject({
        ProjectName: 'beta',
        Description: 'project beta',
        DatasetCount: 0,
        FileCount: 0,
      });

      const first = await gw.call('ListProjects', { MaxResults: 2 }).expect(200);
      expect(first.body.Projects.map((p: { ProjectName: string }) => p.ProjectName)).toEqual(['alpha', 'beta']);
      expect(first.body.NextToken).toBeTruthy();
      const second = await gw.call('ListProjects', { MaxResults: 2, NextToken: first.body.NextToken }).expect(200);
      expect(second.body.Projects.map((p: { ProjectName: string }) => p.ProjectName)).toEqual(['gamma']);
      expect(second.body.NextToken).toBe('');
      const prefixed = await gw.call('ListProjects', { Prefix: 'ga' }).expect(200);
      expect(prefixed.body.Projects).toHaveLength(1);

      await gw.call('DeleteProject', { ProjectName: 'gamma' }).expect(200);
      expect((await gw.call('GetProject', { ProjectName: 'gamma' }).expect(404)).body.Code).toBe('ResourceNotFound');
    });

    it('creates, updates, lists and deletes datasets, enforcing ProjectMaxDatasetCount', async () => {
      await gw.call('CreateProject', { ProjectName: 'limited', ProjectMaxDatasetCount: 2 }).expect(200);
      await gw.call('CreateDataset', { ProjectName: 'limited', DatasetName: 'one' }).expect(200);
      await gw.call('CreateDataset', { ProjectName: 'limited', DatasetName: 'two' }).expect(200);
      const over = await gw.call('CreateDataset', { ProjectName: 'limited', DatasetName: 'three' }).expect(400);
      expect(over.body.Code).toBe('LimitExceededError');

      const created = await gw
        .call('CreateDataset', { ProjectName: 'alpha', DatasetName: 'photos', Description: 'family' })
        .expect(200);
      expect(created.body.Dataset).toMatchObject({
        ProjectName: 'alpha',
        DatasetName: 'photos',
        Description: 'family',
        DatasetMaxFileCount: 1000,
      });
      await gw.call('CreateDataset', { ProjectName: 'alpha', DatasetName: 'photos' }).expect(409);
      for (const name of ['d1', 'd2', 'd3'])
        await gw.call('CreateDataset', { ProjectName: 'alpha', DatasetName: name }).expect(200);

      const updated = await gw
        .call('UpdateDataset', {
          ProjectName: 'alpha',
          DatasetName: 'd1',
          Description: 'renamed',
          DatasetMaxFileCount: 2,
        })
        .expect(200);
      expect(updated.body.Dataset).toMatchObject({ Description: 'renamed', DatasetMaxFileCount: 2 });

      const seen = (await gw.allPages('ListDatasets', { ProjectName: 'alpha', MaxResults: 3 })).flatMap((p) =>
        p.Datasets.map((d: { DatasetName: string }) => d.DatasetName),
      );
      expect(seen).toEqual(['d1', 'd2', 'd3', 'photos']);

      await gw.call('DeleteDataset', { ProjectName: 'alpha', DatasetName: 'd3' }).expect(200);
      await gw.call('GetDataset', { ProjectName: 'alpha', DatasetName: 'd3' }).expect(404);
      const stats = await gw
        .call('GetDataset', { ProjectName: 'alpha', DatasetName: 'photos', WithStatistics: true })
        .expect(200);
      expect(stats.body.Dataset).toMatchObject({ FileCount: 0, BindCount: 0, FigureClusterCount: 0 });
      datasetId = (await gw.app
        .get(DatasetRepository)
        .findByName((await gw.app.get(ProjectRepository).findByName('alpha'))!.id, 'photos'))!.id;
    });
  });

  describe('files', () => {
    it('IndexFileMeta records a pending file, a task and ONE deterministic index job', async () => {
      const res = await gw
        .call('IndexFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          File: { URI: 'oss://photos/family/a.jpg', CustomId: 'a', CustomLabels: { album: 'summer' } },
          UserData: '{"mine":true}',
        })
        .expect(200);
      expect(res.body).toEqual({
        RequestId: expect.any(String),
        EventId: expect.any(String),
        TaskId: expect.stringMatching(/^IndexFileMeta-/),
      });

      const file = await seed.files.findByUri(datasetId, 'oss://photos/family/a.jpg');
      expect(file).toMatchObject({
        status: 'pending',
        customId: 'a',
        customLabels: { album: 'summer' },
        userData: '{"mine":true}',
      });
      const job = await gw.queues.Index.getJob(jobId.indexFile(file!.id));
      expect(job?.data).toMatchObject({
        name: 'index-file',
        fileId: file!.id,
        datasetId,
        uri: 'oss://photos/family/a.jpg',
        taskId: res.body.TaskId,
      });
      // Retries ride out an outage of minutes; failed jobs are kept a week to be inspected.
      expect(job?.opts).toMatchObject({
        attempts: 10,
        removeOnComplete: true,
        removeOnFail: { age: 7 * 86_400, count: 1000 },
      });

      // Indexing the same URI again while it is pending is the same job; the second task has nothing of its own.
      const again = await gw
        .call('IndexFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          File: { URI: 'oss://photos/family/a.jpg' },
        })
        .expect(200);
      // Index jobs carry a fair-indexing priority, so a queued one is 'prioritized' rather than 'waiting'.
      expect(await gw.queues.Index.getJobCounts('waiting', 'prioritized', 'delayed', 'active')).toMatchObject({
        waiting: 0,
        prioritized: 1,
      });
      const second = await gw
        .call('GetTask', { ProjectName: 'alpha', TaskType: 'IndexFileMeta', TaskId: again.body.TaskId })
        .expect(200);
      expect(second.body.Status).toBe('Succeeded');

      const task = await gw
        .call('GetTask', { ProjectName: 'alpha', TaskType: 'IndexFileMeta', TaskId: res.body.TaskId })
        .expect(200);
      expect(task.body).toMatchObject({
        ProjectName: 'alpha',
        TaskType: 'IndexFileMeta',
        TaskId: res.body.TaskId,
        Status: 'Running',
        Progress: 0,
        StartTime: expect.any(String),
      });
      expect(task.body.UserData).toBe('{"mine":true}');
    });

    it('BatchIndexFileMeta enqueues one job per distinct URI and respects DatasetMaxFileCount', async () => {
      const res = await gw
        .call('BatchIndexFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          Files: [
            { URI: 'oss://photos/family/b.jpg' },
            { URI: 's3://photos/family/c.jpg' },
            { URI: 'oss://photos/family/b.jpg' },
          ],
          Notification: { MNS: { TopicName: 'kept-not-delivered' } },
        })
        .expect(200);
      const task = await gw.app.get(Tasks).findById(res.body.TaskId);
      expect(task?.details).toMatchObject({ total: 2, done: 0, failed: 0 });
      expect(task?.notification).toEqual({ MNS: { TopicName: 'kept-not-delivered' } });
      for (const uri of ['oss://photos/family/b.jpg', 's3://photos/family/c.jpg']) {
        const file = await seed.files.findByUri(datasetId, uri);
        expect(await gw.queues.Index.getJob(jobId.indexFile(file!.id))).toBeDefined();
      }
      const full = await gw
        .call('BatchIndexFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'd1',
          Files: [{ URI: 'oss://photos/1.jpg' }, { URI: 'oss://photos/2.jpg' }, { URI: 'oss://photos/3.jpg' }],
        })
        .expect(400);
      expect(full.body.Code).toBe('LimitExceededError');
    });

    it('GetFileMeta / BatchGetFileMeta return IMM File objects with Figures and cluster ids', async () => {
      const { figureIds } = await seed.indexedFile(datasetId, 'oss://photos/family/group.jpg', [
        { gender: 'female', age: 41.6 },
        { gender: 'male' },
        {},
      ]);
      const [clusterId] = await seed.cluster(datasetId, [{ members: [figureIds[0]] }], [figureIds[1]]);
      const res = await gw
        .call('GetFileMeta', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/family/group.jpg' })
        .expect(200);
      expect(res.body.File).toMatchObject({
        URI: 'oss://photos/family/group.jpg',
        Filename: 'group.jpg',
        ObjectType: 'file',
        ProjectName: 'alpha',
        DatasetName: 'photos',
        ImageWidth: 640,
        FigureCount: 3,
      });
      expect(res.body.File.Figures.map((f: { FigureClusterId: string }) => f.FigureClusterId)).toEqual([
        `Cluster-${clusterId}`,
        FigureClusterIdIndependent,
        FigureClusterIdUnavailable,
      ]);
      expect(res.body.File.Figures[0]).toMatchObject({
        FigureId: figureIds[0],
        Gender: 'female',
        Age: 42,
        Boundary: { Left: 10, Top: 20, Width: 50, Height: 60 },
        HeadPose: { Pitch: 1, Roll: 2, Yaw: 3 },
        FaceQuality: 0.85,
      });

      const batch = await gw
        .call('BatchGetFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          URIs: ['oss://photos/family/group.jpg', 'oss://photos/family/a.jpg', 'oss://photos/none.jpg'],
          WithFields: ['URI', 'Figures.FigureClusterId'],
        })
        .expect(200);
      expect(batch.body.Files).toEqual([
        {
          URI: 'oss://photos/family/group.jpg',
          Figures: [
            { FigureClusterId: `Cluster-${clusterId}` },
            { FigureClusterId: FigureClusterIdIndependent },
            { FigureClusterId: FigureClusterIdUnavailable },
          ],
        },
        { URI: 'oss://photos/family/a.jpg', Figures: [] },
      ]);
      await gw
        .call('GetFileMeta', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/none.jpg' })
        .expect(404);
    });

    it('DeleteFileMeta / BatchDeleteFileMeta delete files and figures and schedule ONE debounced clustering run', async () => {
      await seed.indexedFile(datasetId, 'oss://photos/del/1.jpg', [{}]);
      await seed.indexedFile(datasetId, 'oss://photos/del/2.jpg', [{}, {}]);
      await gw
        .call('DeleteFileMeta', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/del/1.jpg' })
        .expect(200);
      await gw
        .call('BatchDeleteFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          URIs: ['oss://photos/del/2.jpg', 'oss://photos/del/never.jpg'],
        })
        .expect(200);
      expect(await seed.files.findByUris(datasetId, ['oss://photos/del/1.jpg', 'oss://photos/del/2.jpg'])).toEqual([]);
      const delayed = await gw.queues.Cluster.getJobs(['delayed']);
      const debounced = delayed.filter((j) => j.data.datasetId === datasetId && j.data.trigger === 'files-deleted');
      expect(debounced).toHaveLength(1);
      expect(await gw.queues.Cluster.getDeduplicationJobId(jobId.clusterDebounceKey(datasetId))).toBe(debounced[0].id);
      // Idempotent: deleting again is fine.
      await gw
        .call('DeleteFileMeta', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/del/1.jpg' })
        .expect(200);
    });
  });

  describe('bindings and bucket notifications', () => {
    it('CreateBinding records the binding and queues its scan; Get/List/Delete work', async () => {
      const res = await gw
        .call('CreateBinding', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/bound/' })
        .expect(200);
      expect(res.body.Binding).toMatchObject({
        URI: 'oss://photos/bound/',
        State: 'Running',
        Phase: 'FullScanning',
        ProjectName: 'alpha',
        DatasetName: 'photos',
      });
      await gw
        .call('CreateBinding', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/bound/' })
        .expect(409);
      const missingBucket = await gw
        .call('CreateBinding', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://no-such-bucket/' })
        .expect(400);
      expect(missingBucket.body.Message).toContain('no-such-bucket');
      await gw
        .call('CreateBinding', { ProjectName: 'alpha', DatasetName: 'photos', URI: 's3://other-bucket/' })
        .expect(200);

      const binding = await gw
        .call('GetBinding', { ProjectName: 'alpha', DatasetName: 'photos', URI: 'oss://photos/bound/' })
        .expect(200);
      expect(binding.body.Binding.URI).toBe('oss://photos/bound/');
      const scanJobs = await gw.queues.Scan.getJobs(['waiting']);
      expect(scanJobs.map((j) => j.data.name)).toEqual(['scan-binding', 'scan-binding']);

      const page1 = await gw
        .call('ListBindings', { ProjectName: 'alpha', DatasetName: 'photos', MaxResults: 1 })
        .expect(200);
      expect(page1.body.Bindings).toHaveLength(1);
      const page2 = await gw
        .call('ListBindings', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          MaxResults: 1,
          NextToken: page1.body.NextToken,
        })
        .expect(200);
      expect(page2.body.Bindings).toHaveLength(1);
      expect(page2.body.NextToken).toBe('');
      expect(page1.body.Bindings[0].URI).not.toBe(page2.body.Bindings[0].URI);
    });

    it('indexes created objects and removes deleted ones under bound prefixes (URL-encoded keys)', async () => {
      const storage = gw.app.get(StorageRepository);
      await storage.put('photos', 'bound/summer trip/ü 1.jpg', Buffer.from('x'), 'image/jpeg');
      const notification = (eventName: string, bucket: string, key: string) => ({
        EventName: eventName,
        Key: `${bucket}/${key}`,
        Records: [
          {
            eventVersion: '2.0',
            eventSource: 'minio:s3',
            eventName,
            s3: { bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: 1 } },
          },
        ],
      });
      const encodedKey = encodeURIComponent('bound/summer trip/ü 1.jpg').replace(/%2F/g, '/').replace(/%20/g, '+');
      const created = await gw
        .post('/api/v1/events/storage', notification('s3:ObjectCreated:Put', 'photos', encodedKey))
        .expect(200);
      expect(created.body).toMatchObject({ Indexed: 1, Removed: 0 });
      const file = await seed.files.findByUri(datasetId, 'oss://photos/bound/summer trip/ü 1.jpg');
      expect(file?.status).toBe('pending');
      expect(await gw.queues.Index.getJob(jobId.indexFile(file!.id))).toBeDefined();

      // Outside every bound prefix: ignored.
      const outside = await gw
        .post('/api/v1/events/storage', notification('s3:ObjectCreated:Put', 'photos', 'elsewhere/x.jpg'))
        .expect(200);
      expect(outside.body).toMatchObject({ Indexed: 0 });
      // The whole bucket is bound with s3:// in the same dataset.
      const other = await gw
        .post('/api/v1/events/storage', notification('s3:ObjectCreated:Put', 'other-bucket', 'y.jpg'))
        .expect(200);
      expect(other.body).toMatchObject({ Indexed: 1 });
      expect(await seed.files.findByUri(datasetId, 's3://other-bucket/y.jpg')).not.toBeNull();

      const removed = await gw
        .post('/api/v1/events/storage', notification('s3:ObjectRemoved:Delete', 'photos', encodedKey))
        .expect(200);
      expect(removed.body).toMatchObject({ Indexed: 0, Removed: 1 });
      expect(await seed.files.findByUri(datasetId, 'oss://photos/bound/summer trip/ü 1.jpg')).toBeNull();
    });

    it('DeleteBinding stops following the prefix (Cleanup deletes its files)', async () => {
      await gw
        .call('DeleteBinding', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          URI: 's3://other-bucket/',
          Cleanup: true,
        })
        .expect(200);
      expect(await seed.files.findByUri(datasetId, 's3://other-bucket/y.jpg')).toBeNull();
      await gw
        .call('DeleteBinding', { ProjectName: 'alpha', DatasetName: 'photos', URI: 's3://other-bucket/' })
        .expect(404);
      const after = await gw
        .post('/api/v1/events/storage', {
          Records: [
            { eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: 'other-bucket' }, object: { key: 'z.jpg' } } },
          ],
        })
        .expect(200);
      expect(after.body.Indexed).toBe(0);
    });
  });

  describe('figure clusters', () => {
    let clusterIds: string[] = [];

    it('CreateFigureClusteringTask records a task and queues the run with its deterministic job id', async () => {
      const res = await gw
        .call('CreateFigureClusteringTask', { ProjectName: 'alpha', DatasetName: 'photos', Tags: { env: 'test' } })
        .expect(200);
      expect(res.body).toMatchObject({
        TaskId: expect.stringMatching(/^CreateFigureClusteringTask-/),
        EventId: expect.any(String),
      });
      const job = await gw.queues.Cluster.getJob(jobId.clusterRequest(res.body.TaskId));
      expect(job?.data).toEqual({ name: 'cluster-dataset', datasetId, trigger: 'request', taskId: res.body.TaskId });
      const task = await gw
        .call('GetTask', { ProjectName: 'alpha', TaskType: 'FaceClustering', TaskId: res.body.TaskId })
        .expect(200);
      expect(task.body).toMatchObject({ Status: 'Running', Tags: { env: 'test' } });
      await gw
        .call('GetTask', { ProjectName: 'alpha', TaskType: 'IndexFileMeta', TaskId: res.body.TaskId })
        .expect(404);
    });

    it('QueryFigureClusters pages with NextToken, sorts, filters and counts', async () => {
      const members: string[][] = [];
      for (let i = 0; i < 5; i++) {
        const { figureIds } = await seed.indexedFile(
          datasetId,
          `oss://photos/people/${i}.jpg`,
          Array.from({ length: i + 1 }, () => ({})),
        );
        members.push(figureIds);
      }
      clusterIds = await seed.cluster(
        datasetId,
        members.map((m) => ({ members: m })),
      );
      const all = [...clusterIds];
      const pages = await gw.allPages('QueryFigureClusters', {
        ProjectName: 'alpha',
        DatasetName: 'photos',
        Sort: 'FaceCount',
        Order: 'desc',
        MaxResults: 2,
        WithTotalCount: true,
      });
      for (const page of pages) expect(page.TotalCount).toBe(6);
      const seen: string[] = pages.flatMap((p) => p.FigureClusters.map((c: { ObjectId: string }) => c.ObjectId));
      expect(pages.length).toBe(3);
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
      // FaceCount 5, 4, 3, 2, then the two clusters of one face (ties ordered by id).
      expect(seen.slice(0, 4)).toEqual(
        [...all]
          .reverse()
          .slice(0, 4)
          .map((id) => `Cluster-${id}`),
      );
      expect(seen.slice(4)).toContain(`Cluster-${all[0]}`);

      const byTime = (
        await gw.allPages('QueryFigureClusters', { ProjectName: 'alpha', DatasetName: 'photos', MaxResults: 4 })
      ).flatMap((p) => p.FigureClusters.map((c: { ObjectId: string }) => c.ObjectId));
      expect(new Set(byTime).size).toBe(6);

      const first = (
        await gw
          .call('QueryFigureClusters', {
            ProjectName: 'alpha',
            DatasetName: 'photos',
            Sort: 'FaceCount',
            Order: 'desc',
            MaxResults: 1,
          })
          .expect(200)
      ).body;
      expect(first.FigureClusters[0]).toMatchObject({
        ObjectId: `Cluster-${all[4]}`,
        ObjectType: 'figure-cluster',
        FaceCount: 5,
        ImageCount: 5,
        Gender: 'male',
        AverageAge: 30,
        MinAge: 25,
        MaxAge: 35,
        MetaLockVersion: 0,
        ProjectName: 'alpha',
        DatasetName: 'photos',
        Cover: { URI: 'oss://photos/people/4.jpg', Figures: [{ FigureId: members[4][0] }] },
      });
      const future = await gw
        .call('QueryFigureClusters', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          CreateTimeRange: { Start: '2999-01-01T00:00:00Z' },
          WithTotalCount: true,
        })
        .expect(200);
      expect(future.body).toMatchObject({ FigureClusters: [], TotalCount: 0, NextToken: '' });
      const wrongToken = await gw
        .call('QueryFigureClusters', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          Sort: 'Name',
          NextToken: first.NextToken,
        })
        .expect(400);
      expect(wrongToken.body.Code).toBe('InvalidNextToken');
    });

    it('Get/BatchGet/UpdateFigureCluster, with MetaLockVersion guarding manual edits', async () => {
      const id = `Cluster-${clusterIds[0]}`;
      const got = await gw
        .call('GetFigureCluster', { ProjectName: 'alpha', DatasetName: 'photos', ObjectId: id })
        .expect(200);
      expect(got.body.FigureCluster).toMatchObject({ ObjectId: id, FaceCount: 1 });
      const batch = await gw
        .call('BatchGetFigureCluster', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          ObjectIds: [`Cluster-${clusterIds[1]}`, id, 'Cluster-00000000-0000-4000-8000-000000000000'],
        })
        .expect(200);
      expect(batch.body.FigureClusters.map((c: { ObjectId: string }) => c.ObjectId)).toEqual([
        `Cluster-${clusterIds[1]}`,
        id,
      ]);

      await gw
        .call('UpdateFigureCluster', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          FigureCluster: { ObjectId: id, Name: 'Grandma', CustomLabels: { role: 'family' }, MetaLockVersion: 0 },
        })
        .expect(200);
      const stale = await gw
        .call('UpdateFigureCluster', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          FigureCluster: { ObjectId: id, Name: 'Someone else', MetaLockVersion: 0 },
        })
        .expect(409);
      expect(stale.body.Code).toBe('ConcurrentModification');
      const after = await gw
        .call('GetFigureCluster', { ProjectName: 'alpha', DatasetName: 'photos', ObjectId: id })
        .expect(200);
      expect(after.body.FigureCluster).toMatchObject({
        Name: 'Grandma',
        CustomLabels: { role: 'family' },
        MetaLockVersion: 1,
      });
      const labelled = await gw
        .call('QueryFigureClusters', { ProjectName: 'alpha', DatasetName: 'photos', CustomLabels: 'role=family' })
        .expect(200);
      expect(labelled.body.FigureClusters.map((c: { Name: string }) => c.Name)).toEqual(['Grandma']);
      await gw
        .call('GetFigureCluster', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          ObjectId: 'Cluster-00000000-0000-4000-8000-000000000000',
        })
        .expect(404);
    });
  });

  describe('tasks', () => {
    it('ListTasks filters, sorts and pages; expired tasks are gone', async () => {
      const all: string[] = (await gw.allPages('ListTasks', { ProjectName: 'alpha', MaxResults: 2 })).flatMap((p) =>
        p.Tasks.map((t: { TaskId: string }) => t.TaskId),
      );
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(new Set(all).size).toBe(all.length);

      const clustering = await gw
        .call('ListTasks', { ProjectName: 'alpha', TaskTypes: ['FaceClustering'], TagSelector: 'env=test' })
        .expect(200);
      expect(clustering.body.Tasks).toHaveLength(1);
      const succeeded = await gw
        .call('ListTasks', { ProjectName: 'alpha', Status: 'Succeeded', Order: 'asc' })
        .expect(200);
      expect(succeeded.body.Tasks.every((t: { Status: string }) => t.Status === 'Succeeded')).toBe(true);

      // IMM's sort keys, each paged one task at a time: the pages join into one ordered list of every task.
      interface Listed {
        TaskId: string;
        TaskType: string;
        StartTime: string;
        EndTime?: string;
      }
      const pagesOf = async (extra: Record<string, unknown>): Promise<Listed[]> =>
        (await gw.allPages('ListTasks', { ProjectName: 'alpha', MaxResults: 1, ...extra })).flatMap(
          (p) => p.Tasks as Listed[],
        );
      const byId = await pagesOf({});
      expect(byId.map((t) => t.TaskId)).toEqual([...all].sort());
      const byStartDesc = await pagesOf({ Sort: 'StartTime', Order: 'desc' });
      expect(byStartDesc).toHaveLength(all.length);
      const starts = byStartDesc.map((t) => Date.parse(t.StartTime));
      expect(starts).toEqual([...starts].sort((a, b) => b - a));
      const byEnd = await pagesOf({ Sort: 'EndTime', Order: 'asc' });
      expect(new Set(byEnd.map((t) => t.TaskId))).toEqual(new Set(all));
      // Finished tasks by end time, then the ones still running (no end time yet).
      const ends = byEnd.map((t) => (t.EndTime ? Date.parse(t.EndTime) : Infinity));
      expect(ends).toEqual([...ends].sort((a, b) => a - b));

      const firstPage = await gw
        .call('ListTasks', { ProjectName: 'alpha', MaxResults: 1, Sort: 'EndTime' })
        .expect(200);
      const mixed = await gw
        .call('ListTasks', { ProjectName: 'alpha', Sort: 'StartTime', NextToken: firstPage.body.NextToken })
        .expect(400);
      expect(mixed.body.Code).toBe('InvalidNextToken');
      const badSort = await gw.call('ListTasks', { ProjectName: 'alpha', Sort: 'TaskStartTime' }).expect(400);
      expect(badSort.body.Message).toMatch(/Sort/);

      // The type from the listing: a clustering TaskId starts with CreateFigureClusteringTask-, as IMM's.
      const { TaskId: id, TaskType } = byId[0];
      expect(await gw.app.get(TaskJanitorService).purge(new Date(Date.now() + 8 * 86_400_000))).toBeGreaterThan(0);
      await gw.call('GetTask', { ProjectName: 'alpha', TaskType, TaskId: id }).expect(404);
    });
  });

  describe('task notifications', () => {
    let server: Server;
    const received: Array<{ body: Record<string, unknown> }> = [];
    // Every POST per task id; the first POST of each task is answered 503, so each delivery must be retried.
    const posts = new Map<string, number>();
    let client: ClientProxy;

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let data = '';
        req.on('data', (chunk: Buffer) => (data += chunk.toString()));
        req.on('end', () => {
          const body = JSON.parse(data) as Record<string, unknown>;
          const taskId = String((body['content'] as { TaskId?: string } | undefined)?.TaskId);
          posts.set(taskId, (posts.get(taskId) ?? 0) + 1);
          if (posts.get(taskId) === 1) {
            res.writeHead(503).end();
            return;
          }
          received.push({ body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = ClientProxyFactory.create({ transport: Transport.REDIS, options: redisConnection(gw.config) });
      await client.connect();
    });
    afterAll(async () => {
      await client?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('delivers the IMM envelope of a finished indexing task to its HTTP endpoint, retrying failures', async () => {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const res = await gw
        .call('IndexFileMeta', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          File: { URI: 'oss://photos/notify/n.jpg' },
          Notification: { HTTP: { Endpoint: endpoint } },
          UserData: 'u1',
        })
        .expect(200);
      const tasks = gw.app.get(Tasks);
      // What the indexer does when the file is done:
      await tasks.recordFileOutcome(res.body.TaskId, 'oss://photos/notify/n.jpg', 'InvalidImage.Decode');
      await tasks.finish(res.body.TaskId, {
        status: 'Failed',
        code: 'InvalidImage.Decode',
        message: '1 of 1 files failed',
      });
      const event = { taskId: res.body.TaskId, datasetId, status: 'Failed' as const };
      client.emit(DomainEvent.IndexTaskFinished, event);
      client.emit(DomainEvent.IndexTaskFinished, event); // a duplicate event delivers once

      const delivered = await waitFor(() => received.length > 0 && received, 'the webhook delivery', 20_000);
      expect(delivered[0].body).toMatchObject({
        source: 'acs:imm',
        type: 'imm:Task:IndexFileMeta',
        specversion: '1.0',
        content: {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          TaskId: res.body.TaskId,
          Status: 'Failed',
          Code: 'InvalidImage.Decode',
          Message: '1 of 1 files failed',
          StartTime: expect.any(String),
          EndTime: expect.any(String),
          UserData: 'u1',
          Files: [{ URI: 'oss://photos/notify/n.jpg', Error: 'InvalidImage.Decode' }],
        },
      });
      const job = await waitFor(
        async () => {
          const found = await gw.queues.Notify.getJob(jobId.deliverNotification(res.body.EventId));
          return found && (await found.getState()) === 'completed' ? found : null;
        },
        'the delivery job to complete',
        10_000,
      );
      // Refused once (503), delivered on the retry, and the duplicate event added no delivery.
      expect(posts.get(res.body.TaskId)).toBe(2);
      expect(job.attemptsMade).toBeGreaterThanOrEqual(1);
      expect(received).toHaveLength(1);
    });

    it('delivers FaceClustering notifications too', async () => {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clusters`;
      const res = await gw
        .call('CreateFigureClusteringTask', {
          ProjectName: 'alpha',
          DatasetName: 'photos',
          Notification: { HTTP: { Endpoint: endpoint } },
        })
        .expect(200);
      await gw.app.get(Tasks).finish(res.body.TaskId, { status: 'Succeeded' });
      client.emit(DomainEvent.ClusteringFinished, {
        taskId: res.body.TaskId,
        datasetId,
        status: 'Succeeded',
        newFaces: 3,
        createdClusters: 1,
        updatedClusters: 0,
      });
      const delivered = await waitFor(
        () => received.find((r) => (r.body['content'] as { TaskId: string }).TaskId === res.body.TaskId),
        'the clustering webhook',
        20_000,
      );
      expect(delivered.body).toMatchObject({
        type: 'imm:Task:FaceClustering',
        content: { Status: 'Succeeded', Code: 'Success', ProjectName: 'alpha', DatasetName: 'photos' },
      });
    });
  });
});
