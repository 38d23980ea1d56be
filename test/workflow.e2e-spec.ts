/**
 * The seed workflow through the IMM API on the real stack: upload photos of several people, create a project and
 * a dataset, BatchIndexFileMeta them, let the debounced clustering run once, then find each person's group with
 * QueryFigureClusters and SimpleQuery on Figures.FigureClusterId; a second batch joins the same clusters; two
 * photos of someone make no cluster. Uses the labelled BBT photos (8 people x 5) when present; the
 * GetFileMeta case uses face-api's demo photos, which are always installed.
 */
import { imm, bbtDir, bbtPhotos, demoPhoto, waitForImmTask } from './support/fixtures';
import { Stack, startStack } from './support/stack';

jest.setTimeout(120_000);

const P = 'workflow';
/**
 * Wide enough that a loaded 2-core machine never leaves a gap this long between two files of one burst (each
 * takes ~0.2 s), so each burst is exactly one run.
 */
const DEBOUNCE_MS = 4000;
const people = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const photosAvailable = bbtDir() !== null;
const itWithPhotos = photosAvailable ? it : it.skip;
if (!photosAvailable) {
  console.warn(
    'workflow.e2e-spec: clustering cases skipped, the labelled photos (../shared/datasets/misc/bbt-labelled) are absent',
  );
}

describe('seed workflow (HTTP, real stack)', () => {
  let stack: Stack;
  /** person -> cluster ObjectId, from the first batch. */
  const clusterOf = new Map<string, string>();

  const uri = (key: string): string => `oss://photos/${key}`;

  async function upload(files: Array<{ key: string; body: Buffer; contentType?: string }>): Promise<void> {
    for (const f of files) await stack.storage.put('photos', f.key, f.body, f.contentType ?? 'image/jpeg');
  }

  async function indexBatch(dataset: string, keys: string[]): Promise<void> {
    const { TaskId } = await imm(stack, 'BatchIndexFileMeta', {
      ProjectName: P,
      DatasetName: dataset,
      Files: keys.map((k) => ({ URI: uri(k) })),
    });
    const task = await waitForImmTask(stack, P, 'IndexFileMeta', TaskId);
    expect(task.Status).toBe('Succeeded');
    // The debounced clustering run fires CLUSTER_DEBOUNCE_MS after the last indexed file; drained = it ran.
    await stack.waitForQueuesDrained();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- IMM bodies
  async function clusteringTasks(): Promise<Array<Record<string, any>>> {
    const { Tasks } = await imm(stack, 'ListTasks', { ProjectName: P, TaskTypes: ['FaceClustering'], MaxResults: 100 });
    return Tasks;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- IMM bodies
  async function clusters(dataset: string): Promise<Array<Record<string, any>>> {
    const { FigureClusters } = await imm(stack, 'QueryFigureClusters', {
      ProjectName: P,
      DatasetName: dataset,
      MaxResults: 100,
    });
    return FigureClusters;
  }

  /** Keys of the files that have a face in the cluster (SimpleQuery on Figures.FigureClusterId). */
  async function filesOfCluster(dataset: string, clusterId: string): Promise<string[]> {
    const { Files } = await imm(stack, 'SimpleQuery', {
      ProjectName: P,
      DatasetName: dataset,
      Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: clusterId },
      MaxResults: 100,
    });
    return (Files as Array<{ URI: string }>).map((f) => f.URI.replace('oss://photos/', '')).sort();
  }

  beforeAll(async () => {
    stack = await startStack({ label: 'workflow', clusterDebounceMs: DEBOUNCE_MS });
    await imm(stack, 'CreateProject', { ProjectName: P });
    for (const DatasetName of ['people', 'two-photos', 'demo'])
      await imm(stack, 'CreateDataset', { ProjectName: P, DatasetName });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('GetFileMeta shows the faces of an indexed photo with IMM fields', async () => {
    await upload([{ key: 'demo/sample6.jpg', body: demoPhoto(6) }]);
    await indexBatch('demo', ['demo/sample6.jpg']);
    const { File } = await imm(stack, 'GetFileMeta', {
      ProjectName: P,
      DatasetName: 'demo',
      URI: uri('demo/sample6.jpg'),
    });
    expect(File).toMatchObject({ URI: uri('demo/sample6.jpg'), FigureCount: 4, ImageWidth: 1920, ImageHeight: 1537 });
    expect(File.Figures).toHaveLength(4);
    for (const figure of File.Figures) {
      expect(figure).toEqual(
        expect.objectContaining({
          FigureId: expect.any(String),
          FigureType: 'face',
          FigureClusterId: expect.stringMatching(
            /^(figure-cluster-id-independent|figure-cluster-id-unavailable|Cluster-)/,
          ),
          FigureConfidence: expect.any(Number),
          Boundary: {
            Left: expect.any(Number),
            Top: expect.any(Number),
            Width: expect.any(Number),
            Height: expect.any(Number),
          },
          HeadPose: { Pitch: expect.any(Number), Roll: expect.any(Number), Yaw: expect.any(Number) },
          FaceQuality: expect.any(Number),
          Age: expect.any(Number),
          Gender: expect.stringMatching(/^(male|female)$/),
          Emotion: expect.any(String),
          Mouth: expect.stringMatching(/^(open|close)$/),
          Sharpness: expect.any(Number),
        }),
      );
    }
    // Four different people in one photo: one image can never make a cluster.
    expect(await clusters('demo')).toEqual([]);
    expect(
      File.Figures.every((f: { FigureClusterId: string }) => f.FigureClusterId === 'figure-cluster-id-independent'),
    ).toBe(true);
  });

  itWithPhotos(
    'indexes a burst of photos of 8 people, clusters them in ONE debounced run, one cluster per person',
    async () => {
      const tasksBefore = (await clusteringTasks()).length;
      const batch = bbtPhotos(people, [1, 2, 3]);
      await upload(batch);
      await indexBatch(
        'people',
        batch.map((p) => p.key),
      );

      const runs = await clusteringTasks();
      expect(runs.length - tasksBefore).toBe(1);
      for (const run of runs) {
        expect(run).toMatchObject({
          Status: 'Succeeded',
          Progress: 100,
          StartTime: expect.any(String),
          EndTime: expect.any(String),
        });
      }

      // The run started one debounce window after the LAST file of the burst was indexed, not before.
      const { rows } = await stack.db.query(
        `SELECT (SELECT max(f.indexed_time) FROM files f JOIN datasets d ON d.id = f.dataset_id WHERE d.name = 'people') AS "lastIndexed",
                (SELECT min(t.start_time) FROM tasks t JOIN datasets d ON d.id = t.dataset_id
                  WHERE d.name = 'people' AND t.task_type = 'FaceClustering') AS "runStart"`,
      );
      const { lastIndexed, runStart } = rows[0] as { lastIndexed: Date; runStart: Date };
      expect(runStart.getTime() - lastIndexed.getTime()).toBeGreaterThanOrEqual(DEBOUNCE_MS - 100);

      const found = await clusters('people');
      expect(found).toHaveLength(8);
      for (const c of found) {
        expect(c).toMatchObject({
          FaceCount: 3,
          ImageCount: 3,
          VideoCount: 0,
          ObjectId: expect.stringMatching(/^Cluster-/),
        });
        const keys = await filesOfCluster('people', c.ObjectId);
        const owners = new Set(keys.map((k) => k.split('/')[1]));
        expect({ cluster: c.ObjectId, owners: [...owners] }).toEqual({
          cluster: c.ObjectId,
          owners: [expect.any(String)],
        });
        expect(keys).toHaveLength(3);
        const person = [...owners][0];
        expect(clusterOf.has(person)).toBe(false);
        clusterOf.set(person, c.ObjectId);
        expect(c.Cover.URI).toMatch(new RegExp(`/bbt/${person}/`));
      }
      expect([...clusterOf.keys()].sort()).toEqual([...people].sort());
    },
  );

  itWithPhotos('a second batch joins the SAME clusters', async () => {
    expect(clusterOf.size).toBe(8);
    const before = (await clusteringTasks()).length;
    const batch = bbtPhotos(people, [4, 5]);
    await upload(batch);
    await indexBatch(
      'people',
      batch.map((p) => p.key),
    );
    expect((await clusteringTasks()).length - before).toBe(1);

    // No new cluster: every face of the batch joined its person's cluster or (a hard one) stayed independent.
    const found = await clusters('people');
    expect(found.map((c) => c.ObjectId).sort()).toEqual([...clusterOf.values()].sort());
    const { Files } = await imm(stack, 'BatchGetFileMeta', {
      ProjectName: P,
      DatasetName: 'people',
      URIs: batch.map((p) => uri(p.key)),
    });
    const joined = new Map<string, number>(people.map((p) => [p, 0]));
    for (const file of Files as Array<{ URI: string; Figures: Array<{ FigureClusterId: string }> }>) {
      const person = file.URI.split('/')[4];
      expect(file.Figures).toHaveLength(1);
      const id = file.Figures[0].FigureClusterId;
      expect([clusterOf.get(person), 'figure-cluster-id-independent']).toContain(id);
      if (id === clusterOf.get(person)) joined.set(person, joined.get(person)! + 1);
    }
    // The clustering thresholds are conservative (a false merge is worse than a missed face), the more so for
    // young and tight clusters (a 3-face cluster asks a mean cosine of 0.45 and 0.64 x its own cohesion, see
    // smallClusterMargin and cohesionRatio). With these photos all 16 faces join (15 with the thresholds before
    // the cohesion rule: stuart5 stayed out); one miss is allowed for small changes in the pipeline's embeddings.
    expect([...joined.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(15);
    for (const c of found) {
      const person = [...clusterOf.entries()].find(([, id]) => id === c.ObjectId)![0];
      expect(c).toMatchObject({ FaceCount: 3 + joined.get(person)!, ImageCount: 3 + joined.get(person)! });
      const keys = await filesOfCluster('people', c.ObjectId);
      expect(keys).toHaveLength(3 + joined.get(person)!);
      for (const key of keys) expect(key.split('/')[1]).toBe(person);
    }
  });

  itWithPhotos('two good photos of a person make no cluster: the faces stay independent', async () => {
    const batch = bbtPhotos(['raj'], [1, 2]).map((p) => ({ ...p, key: p.key.replace('bbt/', 'two/') }));
    await upload(batch);
    await indexBatch(
      'two-photos',
      batch.map((p) => p.key),
    );
    expect(await clusters('two-photos')).toEqual([]);
    for (const p of batch) {
      const { File } = await imm(stack, 'GetFileMeta', { ProjectName: P, DatasetName: 'two-photos', URI: uri(p.key) });
      expect(File.Figures.map((f: { FigureClusterId: string }) => f.FigureClusterId)).toEqual([
        'figure-cluster-id-independent',
      ]);
    }
  });
});
