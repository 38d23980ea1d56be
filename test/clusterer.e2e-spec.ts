/**
 * The clusterer against the real stack (Postgres, Redis, S3, ONNX models): task lifecycle, one run per dataset
 * across two clusterer replicas, crash safety of a run, and clean-up after deletions. Faces come from real
 * photos indexed by the real indexer; runs are requested directly on the cluster queue (the debounce window is
 * made long so that it never fires during these tests).
 */
import { waitFor } from '@app/testing';
import {
  bbtDir,
  bbtPhotos,
  createDataset,
  indexObjects,
  requestClustering,
  taskRow,
  testJobOptions,
  waitForTaskEnd,
} from './support/fixtures';
import { Stack, startStack } from './support/stack';

jest.setTimeout(120_000);

const photosAvailable = bbtDir() !== null;
const describeWithPhotos = photosAvailable ? describe : describe.skip;
if (!photosAvailable) {
  console.warn('clusterer.e2e-spec: skipped, the labelled photos (../shared/datasets/misc/bbt-labelled) are absent');
}

interface FaceRow {
  key: string;
  cluster_id: string | null;
  cluster_state: string;
}

describeWithPhotos('clusterer (two replicas, real stack)', () => {
  let stack: Stack;
  let ids: { projectId: string; datasetId: string };
  /** Gates and observations for the run hook, set per test. */
  const inRun = new Map<string, number>();
  let maxConcurrentPerDataset = 0;
  let hookDelayMs = 0;
  let gate: Promise<void> | null = null;
  const crashTasks = new Set<string>();
  const snapshots: Array<Record<string, unknown>> = [];

  const people = ['amy', 'howard', 'raj'];

  async function faces(datasetId = ids.datasetId): Promise<FaceRow[]> {
    const { rows } = await stack.db.query(
      `SELECT f.object_key AS key, g.cluster_id, g.cluster_state FROM figures g JOIN files f ON f.id = g.file_id
        WHERE g.dataset_id = $1 ORDER BY f.object_key`,
      [datasetId],
    );
    return rows as FaceRow[];
  }

  async function waitIndexed(keys: string[]): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await stack.db.query(
          `SELECT COUNT(*)::int AS n FROM files WHERE dataset_id = $1 AND object_key = ANY($2) AND status <> 'pending'`,
          [ids.datasetId, keys],
        );
        return (rows[0] as { n: number }).n === keys.length;
      },
      'files to be indexed',
      60_000,
    );
  }

  beforeAll(async () => {
    stack = await startStack({
      label: 'clusterer',
      clusterers: 2,
      clusterDebounceMs: 3_600_000,
      gateway: false,
      clustererHooks: {
        async insideRun({ datasetId, taskId, attempt }) {
          const now = (inRun.get(datasetId) ?? 0) + 1;
          inRun.set(datasetId, now);
          maxConcurrentPerDataset = Math.max(maxConcurrentPerDataset, now);
          try {
            if (crashTasks.has(taskId)) {
              // Seen from outside the run's transaction: the state the previous (crashed) attempt left.
              const outside = await stack.db.query(
                `SELECT (SELECT COUNT(*)::int FROM figure_clusters WHERE dataset_id = $1) AS clusters,
                        (SELECT COUNT(*)::int FROM figures WHERE dataset_id = $1 AND cluster_state = 'unavailable') AS unavailable,
                        (SELECT COUNT(*)::int FROM cluster_changes WHERE dataset_id = $1) AS changes,
                        (SELECT cluster_generation FROM datasets WHERE id = $1) AS generation`,
                [datasetId],
              );
              snapshots.push({ attempt, ...(outside.rows[0] as Record<string, unknown>) });
              if (attempt === 1) throw new Error('injected crash after the run wrote everything');
            }
            if (gate) await gate;
            if (hookDelayMs) await new Promise((resolve) => setTimeout(resolve, hookDelayMs));
          } finally {
            inRun.set(datasetId, (inRun.get(datasetId) ?? 1) - 1);
          }
        },
      },
    });
    ids = await createDataset(stack, 'clusterer');
    const first = bbtPhotos(people, [1, 2, 3]);
    await indexObjects(stack, ids.datasetId, first);
    await waitIndexed(first.map((p) => p.key));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers health probes on each replica', async () => {
    for (const url of stack.clustererUrls) {
      const res = await fetch(`${url}/health/ready`);
      expect(res.status).toBe(200);
    }
  });

  it('runs a requested task: Running with progress, then Succeeded with times, exact stats and a chosen cover', async () => {
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    const taskId = await requestClustering(stack, ids);
    const running = await waitFor(async () => {
      const row = await taskRow(stack, taskId);
      return row.status === 'Running' && row.progress >= 90 ? row : null;
    }, 'the run to reach its last step');
    expect(running.end_time).toBeNull();
    release();
    gate = null;
    const done = await waitForTaskEnd(stack, taskId);
    expect(done).toMatchObject({ status: 'Succeeded', code: 'Success', progress: 100 });
    expect(done.end_time!.getTime()).toBeGreaterThanOrEqual(done.start_time.getTime());
    expect(done.details).toMatchObject({ NewFaces: 9, CreatedClusters: 3, Trigger: 'request' });

    const rows = await faces();
    expect(rows).toHaveLength(9);
    const clusterOf = new Map<string, Set<string>>();
    for (const r of rows) {
      expect(r.cluster_state).toBe('clustered');
      const person = r.key.split('/')[1];
      clusterOf.set(person, new Set([...(clusterOf.get(person) ?? []), r.cluster_id!]));
    }
    for (const person of people) expect(clusterOf.get(person)!.size).toBe(1);
    expect(new Set([...clusterOf.values()].map((s) => [...s][0])).size).toBe(3);

    const { rows: clusters } = await stack.db.query(
      `SELECT c.*, (SELECT cluster_id FROM figures WHERE id = c.cover_figure_id) AS cover_cluster
         FROM figure_clusters c WHERE dataset_id = $1`,
      [ids.datasetId],
    );
    expect(clusters).toHaveLength(3);
    for (const c of clusters as Array<Record<string, unknown>>) {
      expect(c).toMatchObject({ face_count: 3, image_count: 3, video_count: 0, meta_lock_version: 0 });
      expect(c.cover_cluster).toBe(c.id);
      expect(['male', 'female']).toContain(c.gender);
      expect(c.min_age as number).toBeLessThanOrEqual(c.average_age as number);
      expect(c.max_age as number).toBeGreaterThanOrEqual(c.average_age as number);
      expect(c.summary).toBeInstanceOf(Buffer);
    }
    const { rows: generation } = await stack.db.query('SELECT cluster_generation FROM datasets WHERE id = $1', [
      ids.datasetId,
    ]);
    expect(generation[0]).toEqual({ cluster_generation: 1 });
  });

  it('serialises runs of one dataset across two replicas and creates no duplicate clusters', async () => {
    // A user names one cluster: later runs must keep it.
    const { rows: before } = await stack.db.query(`SELECT id FROM figure_clusters WHERE dataset_id = $1 ORDER BY id`, [
      ids.datasetId,
    ]);
    await stack.db.query(`UPDATE figure_clusters SET name = 'Named by user', meta_lock_version = 1 WHERE id = $1`, [
      (before[0] as { id: string }).id,
    ]);

    const more = bbtPhotos(people, [4, 5]);
    await indexObjects(stack, ids.datasetId, more);
    await waitIndexed(more.map((p) => p.key));

    maxConcurrentPerDataset = 0;
    hookDelayMs = 400;
    const [a, b] = await Promise.all([requestClustering(stack, ids), requestClustering(stack, ids)]);
    const [ta, tb] = await Promise.all([waitForTaskEnd(stack, a), waitForTaskEnd(stack, b)]);
    hookDelayMs = 0;
    expect(ta.status).toBe('Succeeded');
    expect(tb.status).toBe('Succeeded');
    expect(maxConcurrentPerDataset).toBe(1);
    // One of the two did the work, the other found nothing new.
    expect([ta.details.NewFaces, tb.details.NewFaces].sort()).toEqual([0, 6]);

    const { rows: after } = await stack.db.query(
      `SELECT id, name, face_count, image_count, meta_lock_version FROM figure_clusters WHERE dataset_id = $1 ORDER BY id`,
      [ids.datasetId],
    );
    expect(after.map((c: { id: string }) => c.id)).toEqual(before.map((c: { id: string }) => c.id));
    for (const c of after as Array<{ face_count: number; image_count: number }>)
      expect(c).toMatchObject({ face_count: 5, image_count: 5 });
    expect(after[0]).toMatchObject({ name: 'Named by user', meta_lock_version: 1 });
    const rows = await faces();
    for (const person of people) {
      const own = rows.filter((r) => r.key.includes(`/${person}/`));
      expect(new Set(own.map((r) => r.cluster_id)).size).toBe(1);
    }
  });

  it('rolls a crashed run back completely; the retry applies it once', async () => {
    const penny = bbtPhotos(['penny'], [1, 2, 3]);
    await indexObjects(stack, ids.datasetId, penny);
    await waitIndexed(penny.map((p) => p.key));
    const { rows: changesBefore } = await stack.db.query(
      'SELECT COUNT(*)::int AS n FROM cluster_changes WHERE dataset_id = $1',
      [ids.datasetId],
    );
    const { rows: genBefore } = await stack.db.query('SELECT cluster_generation AS g FROM datasets WHERE id = $1', [
      ids.datasetId,
    ]);

    const taskId = await requestClusteringWithCrash();
    const done = await waitForTaskEnd(stack, taskId);
    expect(done.status).toBe('Succeeded');
    expect(done.details).toMatchObject({ NewFaces: 3, CreatedClusters: 1 });
    // Attempt 2 saw exactly the pre-run state: nothing of attempt 1 survived its crash.
    expect(snapshots).toEqual([
      {
        attempt: 1,
        clusters: 3,
        unavailable: 3,
        changes: (changesBefore[0] as { n: number }).n,
        generation: (genBefore[0] as { g: number }).g,
      },
      {
        attempt: 2,
        clusters: 3,
        unavailable: 3,
        changes: (changesBefore[0] as { n: number }).n,
        generation: (genBefore[0] as { g: number }).g,
      },
    ]);
    const { rows } = await stack.db.query(`SELECT COUNT(*)::int AS n FROM figure_clusters WHERE dataset_id = $1`, [
      ids.datasetId,
    ]);
    expect(rows[0]).toEqual({ n: 4 });
    const pennyFaces = (await faces()).filter((r) => r.key.includes('/penny/'));
    expect(new Set(pennyFaces.map((r) => r.cluster_id)).size).toBe(1);
    expect(pennyFaces[0].cluster_id).not.toBeNull();

    async function requestClusteringWithCrash(): Promise<string> {
      // Register the crash before the job can start.
      const { createTask } = await import('./support/fixtures');
      const id = await createTask(stack, ids, 'FaceClustering');
      crashTasks.add(id);
      await stack.queues.cluster.add(
        'cluster-dataset',
        { name: 'cluster-dataset', datasetId: ids.datasetId, trigger: 'request', taskId: id },
        { ...testJobOptions, jobId: `cluster-task-${id}` },
      );
      return id;
    }
  });

  it('refreshes a cluster that lost files and deletes a cluster whose files are all gone', async () => {
    const { rows: clusters } = await stack.db.query(
      `SELECT DISTINCT g.cluster_id, split_part(f.object_key, '/', 2) AS person FROM figures g JOIN files f ON f.id = g.file_id WHERE g.dataset_id = $1`,
      [ids.datasetId],
    );
    const clusterOf = new Map(
      (clusters as Array<{ cluster_id: string; person: string }>).map((c) => [c.person, c.cluster_id]),
    );
    await stack.db.query(
      `DELETE FROM files WHERE dataset_id = $1 AND (object_key LIKE 'bbt/penny/%' OR object_key = 'bbt/amy/amy5.png')`,
      [ids.datasetId],
    );
    await stack.queues.cluster.add(
      'cluster-dataset',
      { name: 'cluster-dataset', datasetId: ids.datasetId, trigger: 'files-deleted' },
      { ...testJobOptions },
    );
    await waitFor(async () => {
      const { rows } = await stack.db.query(`SELECT COUNT(*)::int AS n FROM figure_clusters WHERE dataset_id = $1`, [
        ids.datasetId,
      ]);
      return (rows[0] as { n: number }).n === 3;
    }, 'the empty cluster to be deleted');
    const { rows: amy } = await stack.db.query(
      `SELECT face_count, image_count, cover_figure_id FROM figure_clusters WHERE id = $1`,
      [clusterOf.get('amy')],
    );
    expect(amy[0]).toMatchObject({ face_count: 4, image_count: 4 });
    const { rows: cover } = await stack.db.query('SELECT cluster_id FROM figures WHERE id = $1', [
      (amy[0] as { cover_figure_id: string }).cover_figure_id,
    ]);
    expect(cover[0]).toEqual({ cluster_id: clusterOf.get('amy') });
    const { rows: changes } = await stack.db.query(
      `SELECT kind, from_cluster_id FROM cluster_changes WHERE dataset_id = $1 AND kind = 'delete'`,
      [ids.datasetId],
    );
    expect(changes).toEqual([{ kind: 'delete', from_cluster_id: clusterOf.get('penny') }]);
    // The run's task is finished after its transaction commits: wait for that, not only for the deletion.
    const filesDeletedTasks = async () =>
      (
        await stack.db.query(
          `SELECT status, details FROM tasks WHERE dataset_id = $1 AND details->>'Trigger' = 'files-deleted'`,
          [ids.datasetId],
        )
      ).rows as Array<{ status: string }>;
    await waitFor(
      async () => (await filesDeletedTasks()).every((t) => t.status !== 'Running'),
      'the files-deleted run to end',
    );
    const tasks = await filesDeletedTasks();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: 'Succeeded', details: { DeletedClusters: 1, RebuiltClusters: 1 } });
  });
  it('clusters different datasets at the same time', async () => {
    const second = await createDataset(stack, 'clusterer-parallel-a');
    const third = await createDataset(stack, 'clusterer-parallel-b');
    for (const [dataset, person] of [
      [second, 'sheldon'],
      [third, 'leonard'],
    ] as const) {
      const photos = bbtPhotos([person], [1, 2, 3]);
      await indexObjects(stack, dataset.datasetId, photos);
      await waitFor(
        async () => {
          const { rows } = await stack.db.query(
            `SELECT COUNT(*)::int AS n FROM files WHERE dataset_id = $1 AND status <> 'pending'`,
            [dataset.datasetId],
          );
          return (rows[0] as { n: number }).n === photos.length;
        },
        'the photos of the extra dataset to be indexed',
        60_000,
      );
    }

    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    try {
      const tasks = await Promise.all([requestClustering(stack, second), requestClustering(stack, third)]);
      // Both runs are inside their transactions at once: one dataset's lock does not hold up another's.
      await waitFor(
        () => (inRun.get(second.datasetId) ?? 0) === 1 && (inRun.get(third.datasetId) ?? 0) === 1,
        'both datasets to be clustering at the same time',
        60_000,
      );
      release();
      gate = null;
      for (const taskId of tasks) {
        expect(await waitForTaskEnd(stack, taskId)).toMatchObject({ status: 'Succeeded' });
      }
    } finally {
      release();
      gate = null;
    }
    for (const dataset of [second, third]) {
      const rows = await faces(dataset.datasetId);
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((r) => r.cluster_id)).size).toBe(1);
      expect(rows[0].cluster_state).toBe('clustered');
    }
  });
});
