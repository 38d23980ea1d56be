/**
 * The indexer through the IMM API on the real stack (gateway + indexer + clusterer, Postgres, Redis, s3rver,
 * ONNX models): faces and attributes of real photos, re-index semantics, deletes, every kind of bad input
 * ending as a failed file without retries, a transient object-store outage retried, a binding scan of more
 * than one listing page.
 */
import { QueueEvents } from 'bullmq';
import { redisConnection, gatewayEnvSchema, loadConfig } from '@app/config';
import { jobId, QueueName } from '@app/contracts';
import { waitFor } from '@app/testing';
import { demoPhoto, imm, pngHeaderOnly, waitForImmTask } from './support/fixtures';
import { Stack, startStack } from './support/stack';

jest.setTimeout(120_000);

const P = 'indexer-project';
const D = 'photos';
const ref = { ProjectName: P, DatasetName: D };
const uri = (key: string): string => `oss://photos/${key}`;

describe('indexer (real stack, through the IMM API)', () => {
  let stack: Stack;
  let events: QueueEvents;
  /** Index jobs whose attempt failed: 'failed' (no attempt left) or 'delayed' (a retry after backoff). */
  const failedAttempts: string[] = [];

  async function indexOne(key: string): Promise<Record<string, unknown>> {
    const { TaskId } = await imm(stack, 'IndexFileMeta', { ...ref, File: { URI: uri(key) } });
    return waitForImmTask(stack, P, 'IndexFileMeta', TaskId as string);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- IMM bodies
  async function fileMeta(key: string): Promise<Record<string, any>> {
    return (await imm(stack, 'GetFileMeta', { ...ref, URI: uri(key) })).File;
  }

  async function fileRow(
    key: string,
  ): Promise<{ id: string; status: string; error_code: string | null; error_message: string | null }> {
    const { rows } = await stack.db.query('SELECT id, status, error_code, error_message FROM files WHERE uri = $1', [
      uri(key),
    ]);
    return rows[0];
  }

  beforeAll(async () => {
    stack = await startStack({ label: 'indexer' });
    events = new QueueEvents(QueueName.Index, {
      connection: redisConnection(loadConfig(gatewayEnvSchema, stack.env)),
      prefix: stack.queuePrefix,
    });
    events.on('failed', ({ jobId }) => failedAttempts.push(jobId));
    events.on('delayed', ({ jobId }) => failedAttempts.push(jobId));
    await events.waitUntilReady();
    await imm(stack, 'CreateProject', { ProjectName: P });
    await imm(stack, 'CreateDataset', ref);
  });

  afterAll(async () => {
    await events?.close();
    await stack?.stop();
  });

  it('finds every face of real photos with boxes inside the image and plausible attributes', async () => {
    await stack.storage.put('photos', 'one.jpg', demoPhoto(6), 'image/jpeg');
    await stack.storage.put('photos', 'group.jpg', demoPhoto(1), 'image/jpeg');
    const { TaskId } = await imm(stack, 'BatchIndexFileMeta', {
      ...ref,
      Files: [{ URI: uri('one.jpg') }, { URI: uri('group.jpg') }],
    });
    const task = await waitForImmTask(stack, P, 'IndexFileMeta', TaskId);
    expect(task).toMatchObject({ Status: 'Succeeded' });

    const four = await fileMeta('one.jpg');
    const three = await fileMeta('group.jpg');
    expect(four.Figures).toHaveLength(4);
    expect(three.Figures).toHaveLength(3);
    for (const file of [four, three]) {
      expect(file.IndexError).toBeUndefined();
      expect(file).toMatchObject({
        IndexStatus: 'Indexed',
        ImageWidth: expect.any(Number),
        ImageHeight: expect.any(Number),
        ETag: expect.any(String),
      });
      expect(file.FigureCount).toBe(file.Figures.length);
      for (const f of file.Figures) {
        expect(f.FigureType).toBe('face');
        expect(f.Boundary.Left).toBeGreaterThanOrEqual(0);
        expect(f.Boundary.Top).toBeGreaterThanOrEqual(0);
        expect(f.Boundary.Width).toBeGreaterThan(20);
        expect(f.Boundary.Left + f.Boundary.Width).toBeLessThanOrEqual(file.ImageWidth);
        expect(f.Boundary.Top + f.Boundary.Height).toBeLessThanOrEqual(file.ImageHeight);
        expect(f.FigureConfidence).toBeGreaterThan(0.5);
        expect(f.FigureConfidence).toBeLessThanOrEqual(1);
        expect(f.Age).toBeGreaterThanOrEqual(5);
        expect(f.Age).toBeLessThanOrEqual(90);
        expect(['male', 'female']).toContain(f.Gender);
        expect(f.FaceQuality).toBeGreaterThanOrEqual(0);
        expect(f.FaceQuality).toBeLessThanOrEqual(1);
        expect(typeof f.HeadPose.Yaw).toBe('number');
        expect(f.FigureClusterId).toMatch(
          /^(figure-cluster-id-unavailable|figure-cluster-id-independent|Cluster-[0-9a-f-]{36})$/,
        );
      }
    }
    // Stored embeddings are 512 float32 values, unit length.
    const { rows } = await stack.db.query(`SELECT embedding FROM figures LIMIT 1`);
    const embedding = rows[0].embedding as Buffer;
    expect(embedding.length).toBe(2048);
    let norm = 0;
    for (let i = 0; i < 512; i++) norm += embedding.readFloatLE(i * 4) ** 2;
    expect(Math.sqrt(norm)).toBeCloseTo(1, 2);
  });

  it('skips inference when the ETag is unchanged and replaces the faces when the content changed', async () => {
    const before = (await fileMeta('one.jpg')).Figures.map((f: { FigureId: string }) => f.FigureId).sort();
    expect(await indexOne('one.jpg')).toMatchObject({ Status: 'Succeeded' });
    const same = (await fileMeta('one.jpg')).Figures.map((f: { FigureId: string }) => f.FigureId).sort();
    expect(same).toEqual(before); // not re-detected: the very same rows

    await stack.storage.put('photos', 'one.jpg', demoPhoto(3), 'image/jpeg');
    expect(await indexOne('one.jpg')).toMatchObject({ Status: 'Succeeded' });
    const replaced = await fileMeta('one.jpg');
    expect(replaced.Figures).toHaveLength(3);
    expect(replaced.Figures.some((f: { FigureId: string }) => before.includes(f.FigureId))).toBe(false);
    const { rows } = await stack.db.query(`SELECT COUNT(*)::int AS n FROM figures WHERE file_id = $1`, [
      (await fileRow('one.jpg')).id,
    ]);
    expect(rows[0].n).toBe(3);
  });

  it('deletes the faces of a deleted file', async () => {
    const { id } = await fileRow('group.jpg');
    await imm(stack, 'DeleteFileMeta', { ...ref, URI: uri('group.jpg') });
    const { rows } = await stack.db.query(`SELECT COUNT(*)::int AS n FROM figures WHERE file_id = $1`, [id]);
    expect(rows[0].n).toBe(0);
  });

  it('records every kind of bad input on the file and its task, without retrying', async () => {
    const jpeg = demoPhoto(2);
    const bad: Array<{ key: string; body?: Buffer; code: string }> = [
      { key: 'bad/missing.jpg', code: 'ResourceNotFound.Object' },
      {
        key: 'bad/notes.jpg',
        body: Buffer.from('these are not the pixels you are looking for\n'.repeat(20)),
        code: 'InvalidImage.UnsupportedFormat',
      },
      { key: 'bad/truncated.jpg', body: jpeg.subarray(0, Math.floor(jpeg.length / 3)), code: 'InvalidImage.Corrupt' },
      { key: 'bad/bomb.png', body: pngHeaderOnly(40_000, 40_000), code: 'InvalidImage.TooLarge' },
      { key: 'bad/empty.jpg', body: Buffer.alloc(0), code: 'InvalidImage.Empty' },
      {
        key: 'bad/vector.svg',
        body: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
        ),
        code: 'InvalidImage.UnsupportedFormat',
      },
    ];
    for (const b of bad) if (b.body) await stack.storage.put('photos', b.key, b.body);
    failedAttempts.length = 0;
    const tasks = await Promise.all(bad.map((b) => imm(stack, 'IndexFileMeta', { ...ref, File: { URI: uri(b.key) } })));
    for (const [i, b] of bad.entries()) {
      const task = await waitForImmTask(stack, P, 'IndexFileMeta', tasks[i].TaskId);
      expect({ key: b.key, Status: task.Status, Code: task.Code }).toEqual({
        key: b.key,
        Status: 'Failed',
        Code: b.code,
      });
      expect(task.Message).toEqual(expect.any(String));
      const row = await fileRow(b.key);
      expect(row).toMatchObject({ status: 'failed', error_code: b.code });
      expect(row.error_message!.length).toBeGreaterThan(5);
      const meta = await fileMeta(b.key);
      expect(meta.Figures).toEqual([]);
      expect(meta.IndexStatus).toBe('Failed');
      expect(meta.IndexError).toEqual({ Code: b.code, Message: row.error_message });
    }
    expect(failedAttempts).toEqual([]); // every job ended normally: no attempt failed, nothing was retried
  });

  it('retries while the object store is down and succeeds once it is back', async () => {
    await stack.storage.put('photos', 'outage.jpg', demoPhoto(6), 'image/jpeg');
    failedAttempts.length = 0;
    await stack.s3.stop();
    let taskId = '';
    try {
      ({ TaskId: taskId } = await imm(stack, 'IndexFileMeta', { ...ref, File: { URI: uri('outage.jpg') } }));
      await waitFor(() => failedAttempts.length >= 1, 'a failed attempt while S3 is down', 30_000);
      const row = await fileRow('outage.jpg');
      expect(row.status).toBe('pending');
      const job = await stack.queues.index.getJob(jobId.indexFile(row.id));
      expect(job?.attemptsMade).toBeGreaterThanOrEqual(1);
      expect(await job?.getState()).toBe('delayed');
    } finally {
      await stack.s3.start();
    }
    const task = await waitForImmTask(stack, P, 'IndexFileMeta', taskId, 60_000);
    expect(task.Status).toBe('Succeeded');
    expect((await fileMeta('outage.jpg')).Figures).toHaveLength(4);
  });

  it('scans a binding of more than one listing page (1,001 objects) and follows it incrementally', async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `scan/${String(i).padStart(4, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => stack.storage.put('photos', key, Buffer.from(key))));
    }
    await imm(stack, 'CreateDataset', { ProjectName: P, DatasetName: 'scanned' });
    await imm(stack, 'CreateBinding', { ProjectName: P, DatasetName: 'scanned', URI: 'oss://photos/scan/' });
    const binding = await waitFor(
      async () => {
        const { Binding } = await imm(stack, 'GetBinding', {
          ProjectName: P,
          DatasetName: 'scanned',
          URI: 'oss://photos/scan/',
        });
        return Binding.Phase === 'IncrementalScanning' ? Binding : null;
      },
      'the full scan to finish',
      90_000,
    );
    expect(binding.State).toBe('Running');
    const { rows } = await stack.db.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT uri)::int AS distinct FROM files f JOIN datasets d ON d.id = f.dataset_id WHERE d.name = 'scanned'`,
    );
    expect(rows[0]).toEqual({ n: 1001, distinct: 1001 });
    const { rows: scanned } = await stack.db.query(
      `SELECT scanned_count FROM bindings WHERE uri = 'oss://photos/scan/'`,
    );
    expect(scanned[0].scanned_count).toBe(1001);
    // Tiny text objects are not images: the first of them ends as a failed file, as it should.
    await waitFor(
      async () => (await fileRow('scan/0000.txt'))?.status === 'failed',
      'the first scanned object to be indexed',
      60_000,
    );
  });
});
