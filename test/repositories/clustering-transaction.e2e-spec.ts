/**
 * ClusteringTransaction (the clusterer's write path) against real PostgreSQL: every read and write stays inside
 * its dataset, stale clusters are found from the members, merges keep user-given names, statistics never touch
 * user-owned fields, pages by id cover everything once, and a failed run leaves nothing behind.
 */
import { ClusteringTransaction, FigureClusterEntity, FigureClusterRepository, FigureEntity } from '@app/database';
import { createTestDataSource, entityFactories, EntityFactories, TestDataSource } from '@app/testing';

describe('ClusteringTransaction (real Postgres)', () => {
  let db: TestDataSource;
  let make: EntityFactories;
  let repository: FigureClusterRepository;

  beforeAll(async () => {
    db = await createTestDataSource('cluster_tx');
    make = entityFactories(db.dataSource);
    repository = new FigureClusterRepository(db.dataSource);
  });

  afterAll(async () => {
    await db?.close();
  });

  async function inRun<T>(datasetId: string, run: (tx: ClusteringTransaction) => Promise<T>): Promise<T> {
    const outcome = await repository.runClusteringTransaction(datasetId, run);
    if (!outcome.acquired) throw new Error('the dataset lock was taken');
    return outcome.result;
  }
  const cluster = (id: string): Promise<FigureClusterEntity> =>
    db.dataSource.getRepository(FigureClusterEntity).findOneByOrFail({ id });
  const face = (id: string): Promise<FigureEntity> => db.dataSource.getRepository(FigureEntity).findOneByOrFail({ id });

  it('finds stale clusters from their members: no summary, a changed count, or no member left', async () => {
    const { id: datasetId } = await make.dataset();
    const summary = Buffer.from('s');
    const fresh = await make.figureCluster({ datasetId, summary, faceCount: 2 });
    const noSummary = await make.figureCluster({ datasetId, summary: null, faceCount: 1 });
    const shrunk = await make.figureCluster({ datasetId, summary, faceCount: 3 });
    const empty = await make.figureCluster({ datasetId, summary, faceCount: 0 });
    for (const c of [fresh, fresh, noSummary, shrunk, shrunk]) await make.figure({ datasetId, clusterId: c.id });
    await make.figureCluster({ summary: null }); // another dataset's
    const stale = await inRun(datasetId, (tx) => tx.staleClusters());
    expect(stale.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        { id: noSummary.id, actual: 1 },
        { id: shrunk.id, actual: 2 },
        { id: empty.id, actual: 0 },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('reads faces in arrival order with their embeddings, only from its dataset', async () => {
    const { id: datasetId } = await make.dataset();
    const ids = await db.dataSource.transaction(async (manager) => {
      const inTx = entityFactories(manager);
      const out: string[] = [];
      for (let i = 0; i < 4; i++) {
        out.push((await inTx.figure({ datasetId, clusterState: 'independent', embedding: [i + 1, 1] })).id);
      }
      return out;
    });
    const later = await make.figure({ datasetId, isHD: false, faceQuality: 0.5 });
    const foreign = await make.figure({ clusterState: 'independent' });
    await inRun(datasetId, async (tx) => {
      const independent = await tx.facesInState('independent');
      // One transaction gives one create time: ties fall back to the id.
      expect(independent.map((f) => f.id)).toEqual([...ids].sort());
      expect(independent[0].embedding).toBeInstanceOf(Buffer);
      expect(independent[0].embedding).toHaveLength(8);
      const [fresh] = await tx.facesInState('unavailable');
      expect(fresh).toMatchObject({ id: later.id, clusterId: null, isHD: false });
      expect(fresh.faceQuality).toBeCloseTo(0.5);
      expect((await tx.independentFaces([ids[2], foreign.id, later.id])).map((f) => f.id)).toEqual([ids[2]]);
      expect(await tx.independentFaces([])).toEqual([]);
    });
  });

  it('pages summaries and independent faces by id, each row once', async () => {
    const { id: datasetId } = await make.dataset();
    const clusters: string[] = [];
    for (let i = 0; i < 5; i++) clusters.push((await make.figureCluster({ datasetId, summary: Buffer.from([i]) })).id);
    const faces: string[] = [];
    for (let i = 0; i < 5; i++) faces.push((await make.figure({ datasetId, clusterState: 'independent' })).id);
    await make.figure({ datasetId }); // not independent: never paged
    await make.figureCluster(); // another dataset's
    await inRun(datasetId, async (tx) => {
      const pages = async (page: (after: string | null) => Promise<Array<{ id: string }>>): Promise<string[]> => {
        const out: string[] = [];
        let after: string | null = null;
        for (let guard = 0; guard < 20; guard++) {
          const rows = await page(after);
          out.push(...rows.map((r) => r.id));
          if (rows.length < 2) break;
          after = rows[rows.length - 1].id;
        }
        return out;
      };
      expect(await pages((after) => tx.summaryPage(after, 2))).toEqual([...clusters].sort());
      expect(await pages((after) => tx.independentFacePage(after, 2))).toEqual([...faces].sort());
      const [one] = await tx.summariesOf([clusters[3], '00000000-0000-4000-8000-000000000000']);
      expect(one).toEqual({ id: clusters[3], summary: Buffer.from([3]) });
    });
  });

  it('assigns faces, merges clusters keeping user names, and writes statistics without touching user fields', async () => {
    const { id: datasetId } = await make.dataset();
    const named = await make.figureCluster({
      datasetId,
      name: 'Grandma',
      customLabels: { k: 'v' },
      metaLockVersion: 3,
    });
    const unnamed = await make.figureCluster({ datasetId, metaLockVersion: 2 });
    const other = await make.figureCluster({ datasetId, name: 'Other' });
    const [a, b, c] = [
      await make.figure({ datasetId }),
      await make.figure({ datasetId }),
      await make.figure({ datasetId }),
    ];
    const foreign = await make.figure();
    await inRun(datasetId, async (tx) => {
      await tx.assign([
        { figureId: a.id, clusterId: named.id },
        { figureId: b.id, clusterId: null },
        { figureId: c.id, clusterId: other.id },
        { figureId: foreign.id, clusterId: named.id },
      ]);
      // The unnamed cluster absorbs the named one: it takes over the name and labels it lacks.
      await tx.mergeCluster(named.id, unnamed.id);
      await tx.insertClusters([{ id: '11111111-1111-4111-8111-111111111111', summary: Buffer.from('n') }]);
      await tx.writeStats([
        {
          id: unnamed.id,
          faceCount: 1,
          imageCount: 1,
          gender: 'female',
          averageAge: 70,
          minAge: 70,
          maxAge: 70,
          coverFigureId: a.id,
        },
      ]);
    });
    expect(await face(a.id)).toMatchObject({ clusterId: unnamed.id, clusterState: 'clustered' });
    expect(await face(b.id)).toMatchObject({ clusterId: null, clusterState: 'independent' });
    expect(await face(foreign.id)).toMatchObject({ clusterId: null, clusterState: 'unavailable' });
    await expect(cluster(named.id)).rejects.toThrow();
    expect(await cluster(unnamed.id)).toMatchObject({
      name: 'Grandma',
      customLabels: { k: 'v' },
      metaLockVersion: 2,
      faceCount: 1,
      gender: 'female',
      coverFigureId: a.id,
    });
    expect(await cluster('11111111-1111-4111-8111-111111111111')).toMatchObject({ datasetId, faceCount: 0 });

    // A named cluster absorbing another keeps its own name and takes only the labels it lacks.
    await inRun(datasetId, async (tx) => {
      await tx.mergeCluster(unnamed.id, other.id);
      await tx.writeStats([
        {
          id: other.id,
          faceCount: 2,
          imageCount: 2,
          gender: null,
          averageAge: null,
          minAge: null,
          maxAge: null,
          coverFigureId: c.id,
        },
      ]);
    });
    expect(await cluster(other.id)).toMatchObject({ name: 'Other', customLabels: { k: 'v' }, faceCount: 2 });
    expect(await face(a.id)).toMatchObject({ clusterId: other.id });
  });

  it('records changes and counts completed runs; a failed run leaves nothing behind', async () => {
    const dataset = await make.dataset();
    const victim = await make.figureCluster({ datasetId: dataset.id });
    const generation = await inRun(dataset.id, async (tx) => {
      expect(await tx.generation()).toBe(0);
      await tx.recordChanges('FaceClustering-t1', [
        { kind: 'delete', fromClusterId: victim.id, intoClusterId: null, reason: 'no members left' },
      ]);
      return tx.bumpGeneration();
    });
    expect(generation).toBe(1);
    await expect(
      inRun(dataset.id, async (tx) => {
        await tx.deleteClusters([victim.id]);
        await tx.bumpGeneration();
        throw new Error('crash in the middle of a run');
      }),
    ).rejects.toThrow('crash in the middle of a run');
    expect(await cluster(victim.id)).toMatchObject({ id: victim.id });
    const [{ g }] = await db.dataSource.query<Array<{ g: number }>>(
      'SELECT cluster_generation AS g FROM datasets WHERE id = $1',
      [dataset.id],
    );
    expect(g).toBe(1);
    const changes = await db.dataSource.query<Array<{ kind: string; task_id: string }>>(
      'SELECT kind, task_id FROM cluster_changes WHERE dataset_id = $1',
      [dataset.id],
    );
    expect(changes).toEqual([{ kind: 'delete', task_id: 'FaceClustering-t1' }]);
  });
});
