/**
 * ProjectRepository, DatasetRepository and BindingRepository against real PostgreSQL: unique names, name-keyed
 * pages with literal prefixes, the counts GetProject / GetDataset report, and which bindings a bucket
 * notification reaches.
 */
import { BindingRepository, DatasetRepository, ProjectRepository } from '@app/database';
import { createTestDataSource, entityFactories, EntityFactories, TestDataSource } from '@app/testing';

describe('project, dataset and binding repositories (real Postgres)', () => {
  let db: TestDataSource;
  let make: EntityFactories;
  let projects: ProjectRepository;
  let datasets: DatasetRepository;
  let bindings: BindingRepository;

  beforeAll(async () => {
    db = await createTestDataSource('catalog');
    make = entityFactories(db.dataSource);
    projects = new ProjectRepository(db.dataSource);
    datasets = new DatasetRepository(db.dataSource);
    bindings = new BindingRepository(db.dataSource);
  });

  afterAll(async () => {
    await db?.close();
  });

  /** Follows the name cursor page by page. */
  async function pageNames(fetch: (after: string | undefined) => Promise<Array<{ name: string }>>): Promise<string[]> {
    const out: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = await fetch(after);
      out.push(...page.map((p) => p.name));
      if (page.length < 2) break;
      after = page[page.length - 1].name;
    }
    return out;
  }

  it('keeps project names unique and pages them by name with a literal prefix', async () => {
    for (const name of ['zoo_1', 'zoo-2', 'zooX3', 'zoo%4', 'zoo_5', 'other']) {
      expect(await projects.create({ name })).toMatchObject({ name });
    }
    expect(await projects.create({ name: 'zoo_1' })).toBeNull();
    expect(await pageNames((after) => projects.list({ prefix: 'zoo_', after, limit: 2 }))).toEqual(['zoo_1', 'zoo_5']);
    expect(await pageNames((after) => projects.list({ prefix: 'zoo%', after, limit: 2 }))).toEqual(['zoo%4']);
    const zoo = await pageNames((after) => projects.list({ prefix: 'zoo', after, limit: 2 }));
    expect(zoo).toHaveLength(5);
    expect(new Set(zoo).size).toBe(5);
  });

  it('keeps dataset names unique per project and pages them with a literal prefix', async () => {
    const project = await make.project();
    const elsewhere = await make.project();
    for (const name of ['a_1', 'ab', 'a_2', 'b']) await datasets.create({ projectId: project.id, name });
    expect(await datasets.create({ projectId: elsewhere.id, name: 'a_1' })).not.toBeNull();
    expect(await datasets.create({ projectId: project.id, name: 'a_1' })).toBeNull();
    expect(await pageNames((after) => datasets.list(project.id, { prefix: 'a_', after, limit: 2 }))).toEqual([
      'a_1',
      'a_2',
    ]);
    expect(await pageNames((after) => datasets.list(project.id, { after, limit: 2 }))).toHaveLength(4);
    expect(await datasets.countInProject(project.id)).toBe(4);
    const found = (await datasets.findWithProject((await datasets.findByName(project.id, 'ab'))!.id))!;
    expect(found.project.name).toBe(project.name);
  });

  it('counts files, sizes, faces by state, clusters and bindings of a dataset and of a project', async () => {
    const dataset = await make.dataset();
    const cluster = await make.figureCluster({ datasetId: dataset.id });
    const a = await make.file({ datasetId: dataset.id, size: 1000, status: 'indexed' });
    await make.file({ datasetId: dataset.id, size: 24, status: 'failed' });
    await make.file({ datasetId: dataset.id });
    await make.figure({ fileId: a.id, clusterId: cluster.id });
    await make.figure({ fileId: a.id, clusterState: 'independent' });
    await make.figure({ fileId: a.id });
    await make.binding({ datasetId: dataset.id });
    const noise = await make.dataset({ projectId: dataset.projectId });
    await make.file({ datasetId: noise.id, size: 5 });
    expect(await datasets.counts(dataset.id)).toEqual({
      fileCount: 3,
      totalFileSize: 1024,
      failedFileCount: 1,
      pendingFileCount: 1,
      figureCount: 3,
      unclusteredFigureCount: 1,
      independentFigureCount: 1,
      figureClusterCount: 1,
      bindCount: 1,
    });
    expect(await projects.counts(dataset.projectId)).toEqual({ datasetCount: 2, fileCount: 4, totalFileSize: 1029 });
    expect(await projects.counts((await make.project()).id)).toEqual({
      datasetCount: 0,
      fileCount: 0,
      totalFileSize: 0,
    });
  });

  it('reaches the running bindings, of any dataset, of the bucket whose prefix starts the key', async () => {
    const dataset = await make.dataset();
    const make3 = async (bucket: string, prefix: string, state = 'Running'): Promise<string> =>
      (
        await make.binding({
          datasetId: dataset.id,
          bucket,
          prefix,
          state,
          uri: `oss://${bucket}/${prefix}${state === 'Running' ? '' : `#${state}`}`,
        })
      ).id;
    const whole = await make3('inbox', '');
    const album = await make3('inbox', 'album/');
    await make3('inbox', 'album/2024/', 'Stopped');
    const ready = await make3('inbox', 'album/2024/', 'Ready');
    await make3('other', '');
    const reached = async (bucket: string, key: string): Promise<string[]> =>
      (await bindings.findMatching(bucket, key)).map((b) => b.id).sort();
    expect(await reached('inbox', 'album/2024/x.jpg')).toEqual([whole, album, ready].sort());
    expect(await reached('inbox', 'albums/x.jpg')).toEqual([whole]);
    expect(await reached('inbox', 'album%/x.jpg')).toEqual([whole]);
    expect(await reached('nobucket', 'album/x.jpg')).toEqual([]);
    expect(
      await bindings.create({ datasetId: dataset.id, uri: 'oss://inbox/', bucket: 'inbox', prefix: '' }),
    ).toBeNull();
    await bindings.addScanned(album, 3);
    await bindings.addScanned(album, 4);
    expect((await bindings.findById(album))?.scannedCount).toBe(7);
    const firstPage = await bindings.list(dataset.id, { limit: 3 });
    const rest = await bindings.list(dataset.id, { limit: 10, after: firstPage[2].uri });
    expect(new Set([...firstPage, ...rest].map((b) => b.id)).size).toBe(5);
  });
});
