/**
 * FigureClusterRepository against real PostgreSQL: QueryFigureClusters' filters, every sort key in both orders
 * with keyset paging through ties, the optimistic lock of UpdateFigureCluster, the "anything to cluster?" probe
 * and the per-dataset run lock.
 */
import {
  ClusterListQuery,
  ClusterSortField,
  clusterSortValue,
  FigureClusterEntity,
  FigureClusterRepository,
} from '@app/database';
import { createTestDataSource, entityFactories, EntityFactories, TestDataSource } from '@app/testing';

describe('FigureClusterRepository (real Postgres)', () => {
  let db: TestDataSource;
  let make: EntityFactories;
  let clusters: FigureClusterRepository;
  let datasetId: string;
  let all: FigureClusterEntity[];

  beforeAll(async () => {
    db = await createTestDataSource('clusters');
    make = entityFactories(db.dataSource);
    clusters = new FigureClusterRepository(db.dataSource);
    datasetId = (await make.dataset()).id;
    // Seven clusters in one transaction (one create time), then three later ones; counts and names repeat.
    await db.dataSource.transaction(async (manager) => {
      const inTx = entityFactories(manager);
      for (let i = 0; i < 7; i++) {
        await inTx.figureCluster({
          datasetId,
          name: i % 2 ? 'Ann' : 'Bob',
          faceCount: i % 3,
          imageCount: 7 - i,
          summary: Buffer.from('opaque prototypes'),
          customLabels: i < 3 ? { family: 'yes', side: i === 0 ? 'mum' : 'dad' } : {},
        });
      }
    });
    for (let i = 0; i < 3; i++) await make.figureCluster({ datasetId, name: `Z${i}`, faceCount: 5, imageCount: 1 });
    await make.figureCluster({ name: 'elsewhere' });
    all = await clusters.list({ datasetId, sort: 'CreateTime', order: 'ASC', limit: 100 });
  });

  afterAll(async () => {
    await db?.close();
  });

  /** Follows the keyset cursor from page to page the way the gateway builds it. */
  async function allPages(query: Omit<ClusterListQuery, 'after'>): Promise<FigureClusterEntity[]> {
    const out: FigureClusterEntity[] = [];
    let after: ClusterListQuery['after'];
    for (let guard = 0; guard < 100; guard++) {
      const page = await clusters.list({ ...query, ...(after ? { after } : {}) });
      out.push(...page);
      if (page.length < query.limit) break;
      const last = page[page.length - 1];
      after = { value: clusterSortValue(last, query.sort), id: last.id };
    }
    return out;
  }

  it('lists one dataset, without the summary blob', async () => {
    expect(all).toHaveLength(10);
    expect(all.every((c) => c.datasetId === datasetId)).toBe(true);
    expect(all.map((c) => c.summary)).toEqual(new Array(10).fill(undefined));
    expect(await clusters.count({ datasetId })).toBe(10);
  });

  const sorts: ClusterSortField[] = ['CreateTime', 'UpdateTime', 'FaceCount', 'ImageCount', 'Name'];
  for (const sort of sorts) {
    for (const order of ['ASC', 'DESC'] as const) {
      it(`pages by ${sort} ${order} through ties without repeats or gaps`, async () => {
        const paged = await allPages({ datasetId, sort, order, limit: 3 });
        expect(paged.map((c) => c.id)).toEqual(
          (await clusters.list({ datasetId, sort, order, limit: 100 })).map((c) => c.id),
        );
        expect(new Set(paged.map((c) => c.id)).size).toBe(10);
        const keys = paged.map((c) => clusterSortValue(c, sort));
        const sorted = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        // Names compare by the database collation; every other key orders the same in JS.
        if (sort !== 'Name') expect(keys).toEqual(order === 'ASC' ? sorted : sorted.reverse());
        for (let i = 1; i < paged.length; i++) {
          if (keys[i] === keys[i - 1]) expect(paged[i].id > paged[i - 1].id).toBe(order === 'ASC');
        }
      });
    }
  }

  it('filters by ids, labels and time ranges, and counts with the same filters', async () => {
    const ids = [all[1].id, all[8].id];
    const byIds = await clusters.list({ datasetId, sort: 'CreateTime', order: 'ASC', limit: 10, ids });
    expect(byIds.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(await clusters.count({ datasetId, ids })).toBe(2);

    const family = { datasetId, customLabels: { family: 'yes' } };
    expect(await clusters.list({ ...family, sort: 'Name', order: 'ASC', limit: 10 })).toHaveLength(3);
    expect(await clusters.count(family)).toBe(3);
    expect(await clusters.count({ datasetId, customLabels: { family: 'yes', side: 'dad' } })).toBe(2);
    expect(await clusters.count({ datasetId, customLabels: { family: 'no' } })).toBe(0);

    // The three clusters made after the transaction; times are compared at the cursor's millisecond precision.
    const laterStart = all[7].createTime;
    const later = { datasetId, createTimeRange: { start: laterStart } };
    expect(await clusters.count(later)).toBe(3);
    expect((await clusters.list({ ...later, sort: 'Name', order: 'ASC', limit: 100 })).map((c) => c.name)).toEqual([
      'Z0',
      'Z1',
      'Z2',
    ]);
    expect(await clusters.count({ datasetId, createTimeRange: { end: new Date(laterStart.getTime() - 1) } })).toBe(7);
    expect(await clusters.count({ datasetId, updateTimeRange: { start: new Date(Date.now() + 60_000) } })).toBe(0);
    expect(await clusters.count({ datasetId, updateTimeRange: { end: new Date(Date.now() + 60_000) } })).toBe(10);
  });

  it('renames under the optimistic lock: the version must match and moves on by one', async () => {
    const target = all[2];
    expect(await clusters.updateMeta(datasetId, target.id, { name: 'Carol' }, 1)).toBe(false);
    expect(await clusters.updateMeta(datasetId, target.id, { name: 'Carol' }, 0)).toBe(true);
    expect(await clusters.updateMeta(datasetId, target.id, { customLabels: { a: 'b' } })).toBe(true);
    const after = await clusters.findById(datasetId, target.id);
    expect(after).toMatchObject({ name: 'Carol', customLabels: { a: 'b' }, metaLockVersion: 2 });
    const otherDataset = (await make.dataset()).id;
    expect(await clusters.updateMeta(otherDataset, target.id, { name: 'Mallory' })).toBe(false);
    expect(await clusters.findById(otherDataset, target.id)).toBeNull();
    expect(await clusters.findByIds(datasetId, [])).toEqual([]);
  });

  it('reports clustering work: unclustered faces, or a cluster whose face count no longer matches', async () => {
    const dataset = await make.dataset();
    expect(await clusters.hasClusteringWork(dataset.id)).toBe(false);
    const cluster = await make.figureCluster({ datasetId: dataset.id, faceCount: 1 });
    const face = await make.figure({ datasetId: dataset.id, clusterId: cluster.id });
    expect(await clusters.hasClusteringWork(dataset.id)).toBe(false);
    const fresh = await make.figure({ datasetId: dataset.id });
    expect(await clusters.hasClusteringWork(dataset.id)).toBe(true);
    await db.dataSource.query(`UPDATE figures SET cluster_state = 'independent' WHERE id = $1`, [fresh.id]);
    expect(await clusters.hasClusteringWork(dataset.id)).toBe(false);
    await db.dataSource.query('DELETE FROM files WHERE id = $1', [face.fileId]);
    expect(await clusters.hasClusteringWork(dataset.id)).toBe(true);
  });

  it('lets one clustering run per dataset hold the lock; other datasets run meanwhile', async () => {
    const [a, b] = [(await make.dataset()).id, (await make.dataset()).id];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = clusters.runClusteringTransaction(a, async (tx) => {
      entered();
      await held;
      return tx.datasetId;
    });
    await inside;
    expect(await clusters.runClusteringTransaction(a, () => Promise.resolve('second'))).toEqual({ acquired: false });
    expect(await clusters.runClusteringTransaction(b, () => Promise.resolve('other'))).toEqual({
      acquired: true,
      result: 'other',
    });
    release();
    expect(await first).toEqual({ acquired: true, result: a });
    expect(await clusters.runClusteringTransaction(a, () => Promise.resolve('again'))).toEqual({
      acquired: true,
      result: 'again',
    });
  });
});
