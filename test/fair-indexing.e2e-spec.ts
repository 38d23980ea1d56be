/** @jest-environment ./test/support/shared-realm.environment.js */
/**
 * Fair indexing through the real stack (gateway, indexer with the ONNX models, BullMQ on Redis, Postgres, S3):
 * while a large import of one project waits in the index queue, a small dataset of another project, queued
 * later through IndexFileMeta or through a binding's scan, is indexed next instead of after the whole backlog.
 * Uses lfw-dev photos (skipped with a message when absent).
 */
import { datasetsDir, waitFor } from '@app/testing';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imm, waitForImmTask } from './support/fixtures';
import { Stack, startStack } from './support/stack';

jest.setTimeout(240_000);

const LFW = join(datasetsDir(), 'lfw-dev');
const describeWithPhotos = existsSync(LFW) ? describe : describe.skip;
if (!existsSync(LFW)) console.warn(`fair-indexing.e2e-spec: skipped, ${LFW} is absent`);

const CONCURRENCY = 2;

/** `count` lfw-dev photos, `skip` photos in (so that two calls give different photos). */
function lfwPhotos(count: number, skip = 0): Array<{ key: string; body: Buffer }> {
  const out: Array<{ key: string; body: Buffer }> = [];
  for (const person of readdirSync(LFW).sort()) {
    for (const file of readdirSync(join(LFW, person)).sort()) {
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push({ key: `${person}/${file}`, body: readFileSync(join(LFW, person, file)) });
      if (out.length === count) return out;
    }
  }
  return out;
}

describeWithPhotos('fair indexing: a small dataset is not held back by another one’s backlog (real stack)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      label: 'fairness',
      clusterDebounceMs: 60_000,
      env: { INDEXER_CONCURRENCY: String(CONCURRENCY), INDEXER_ATTRIBUTES: 'pose', CLUSTER_MAX_WAIT_MS: '0' },
    });
    for (const ProjectName of ['big', 'small']) await imm(stack, 'CreateProject', { ProjectName });
    await imm(stack, 'CreateDataset', { ProjectName: 'big', DatasetName: 'import' });
    for (const DatasetName of ['api', 'bound'])
      await imm(stack, 'CreateDataset', { ProjectName: 'small', DatasetName });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const indexedIn = async (project: string, dataset: string): Promise<number> => {
    const { rows } = await stack.db.query(
      `SELECT count(*)::int AS n FROM files f JOIN datasets d ON d.id = f.dataset_id JOIN projects p ON p.id = d.project_id
       WHERE p.name = $1 AND d.name = $2 AND f.status <> 'pending'`,
      [project, dataset],
    );
    return (rows[0] as { n: number }).n;
  };

  async function startBigImport(prefix: string, photos: Array<{ key: string; body: Buffer }>): Promise<void> {
    for (const p of photos) await stack.storage.put('photos', `${prefix}/${p.key}`, p.body, 'image/jpeg');
    for (let i = 0; i < photos.length; i += 100) {
      await imm(stack, 'BatchIndexFileMeta', {
        ProjectName: 'big',
        DatasetName: 'import',
        Files: photos.slice(i, i + 100).map((p) => ({ URI: `oss://photos/${prefix}/${p.key}` })),
      });
    }
  }

  it('IndexFileMeta of a small dataset during a large import: the small one is indexed next', async () => {
    const big = lfwPhotos(60);
    const small = lfwPhotos(6, 200);
    for (const p of small) await stack.storage.put('photos', `small/${p.key}`, p.body, 'image/jpeg');
    await startBigImport('big1', big);
    await waitFor(async () => (await indexedIn('big', 'import')) >= 4, 'the import to be under way', 120_000, 200);

    const bigBefore = await indexedIn('big', 'import');
    const { TaskId } = await imm(stack, 'BatchIndexFileMeta', {
      ProjectName: 'small',
      DatasetName: 'api',
      Files: small.map((p) => ({ URI: `oss://photos/small/${p.key}` })),
    });
    const task = await waitForImmTask(stack, 'small', 'IndexFileMeta', TaskId, 120_000);
    expect(task.Status).toBe('Succeeded');
    const bigDuring = (await indexedIn('big', 'import')) - bigBefore;
    // Only the import's jobs already running when the small batch arrived, and those the workers took while its
    // jobs were being added, finish in between (FIFO: all 56 left).
    expect(bigDuring).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(await indexedIn('big', 'import')).toBeLessThan(big.length - small.length);
    await stack.waitForQueuesDrained(180_000);
  });

  it('a binding’s scan of a small prefix during a large import: its files are indexed next too', async () => {
    const big = lfwPhotos(60, 300);
    const bound = lfwPhotos(6, 400);
    for (const p of bound) await stack.storage.put('photos', `bound/${p.key}`, p.body, 'image/jpeg');
    const bigStart = await indexedIn('big', 'import');
    await startBigImport('big2', big);
    await waitFor(
      async () => (await indexedIn('big', 'import')) >= bigStart + 4,
      'the second import to be under way',
      120_000,
      200,
    );

    const bigBefore = await indexedIn('big', 'import');
    await imm(stack, 'CreateBinding', { ProjectName: 'small', DatasetName: 'bound', URI: 'oss://photos/bound/' });
    await waitFor(
      async () => (await indexedIn('small', 'bound')) === bound.length,
      'the bound prefix to be indexed',
      120_000,
      200,
    );
    const bigDuring = (await indexedIn('big', 'import')) - bigBefore;
    expect(bigDuring).toBeLessThanOrEqual(CONCURRENCY + 2);
    expect(await indexedIn('big', 'import')).toBeLessThan(bigStart + big.length - bound.length);
    await stack.waitForQueuesDrained(180_000);
  });
});
