/**
 * FileSearchRepository (IMM SimpleQuery) against real PostgreSQL: what each condition selects, how sorting
 * treats missing values and ties, and that keyset paging returns every row exactly once.
 */
import {
  FileEntity,
  FileSearchQuery,
  FileSearchRepository,
  FileSearchPage,
  SearchCondition,
  SearchSort,
} from '@app/database';
import { createTestDataSource, entityFactories, EntityFactories, TestDataSource } from '@app/testing';

describe('FileSearchRepository (real Postgres)', () => {
  let db: TestDataSource;
  let make: EntityFactories;
  let search: FileSearchRepository;
  let datasetId: string;
  const file: Record<'a' | 'b' | 'c' | 'd', FileEntity> = {} as never;
  let c1: string;

  beforeAll(async () => {
    db = await createTestDataSource('search');
    make = entityFactories(db.dataSource);
    search = new FileSearchRepository(db.dataSource);
    datasetId = (await make.dataset()).id;
    const photo = (key: string, values: Partial<FileEntity>): Promise<FileEntity> =>
      make.file({ datasetId, objectKey: key, uri: `oss://photos/${key}`, ...values });
    file.a = await photo('a.jpg', { size: 100, customLabels: { album: 'beach' }, figureCount: 2 });
    file.b = await photo('b.jpg', { size: 300, customLabels: { album: 'beach trip' }, figureCount: 1 });
    file.c = await photo('c.png', { size: null, contentType: 'image/png' });
    file.d = await photo('d%.jpg', { size: 200, customLabels: { album: 'b%' }, figureCount: 1 });
    c1 = (await make.figureCluster({ datasetId })).id;
    const c2 = (await make.figureCluster({ datasetId })).id;
    await make.figure({ fileId: file.a.id, gender: 'female', age: 30, clusterId: c1 });
    await make.figure({ fileId: file.a.id, gender: 'male', age: 60, clusterState: 'independent', faceIndex: 1 });
    await make.figure({ fileId: file.b.id, gender: 'male', age: 30 });
    await make.figure({ fileId: file.d.id, gender: 'female', age: 20, clusterId: c2 });
    // Another dataset whose files match every condition below: none may ever appear.
    const other = await make.dataset();
    const stranger = await make.file({ datasetId: other.id, size: 250, customLabels: { album: 'beach' } });
    await make.figure({ fileId: stranger.id, gender: 'female', age: 30, clusterId: c1 });
  });

  afterAll(async () => {
    await db?.close();
  });

  const byUri: SearchSort[] = [{ column: 'uri', order: 'ASC' }];
  const names = (ids: string[]): string[] =>
    ids.map((id) => Object.entries(file).find(([, f]) => f.id === id)?.[0] ?? `other:${id}`);
  async function matching(condition?: SearchCondition): Promise<string[]> {
    const page = await search.search({ datasetId, condition, sort: byUri, limit: 100 });
    expect(page.next).toBeUndefined();
    expect(await search.count({ datasetId, condition })).toBe(page.ids.length);
    return names(page.ids);
  }
  const gender = (value: string): SearchCondition => ({
    op: 'eq',
    field: { scope: 'figure', column: 'gender' },
    value,
  });
  const age = (op: 'eq' | 'gte', value: number): SearchCondition => ({
    op,
    field: { scope: 'figure', column: 'age' },
    value,
  });

  it('searches one dataset only', async () => {
    expect(await matching()).toEqual(['a', 'b', 'c', 'd']);
    expect(await matching({ op: 'hasFigures' })).toEqual(['a', 'b', 'd']);
  });

  it('holds nested conditions to one face, and of figure conditions to any faces of the file', async () => {
    expect(await matching({ op: 'nested', children: [gender('female'), age('gte', 60)] })).toEqual([]);
    expect(await matching({ op: 'and', children: [gender('female'), age('gte', 60)] })).toEqual(['a']);
    expect(await matching({ op: 'nested', children: [gender('female'), age('eq', 30)] })).toEqual(['a']);
    expect(
      await matching({
        op: 'or',
        children: [
          { op: 'eq', field: { scope: 'file', column: 'contentType' }, value: 'image/png' },
          { op: 'nested', children: [gender('female'), age('eq', 20)] },
        ],
      }),
    ).toEqual(['c', 'd']);
  });

  it('matches files without the value under not (a face-less file has no male face)', async () => {
    expect(await matching({ op: 'not', child: gender('male') })).toEqual(['c', 'd']);
    const bigger: SearchCondition = { op: 'gt', field: { scope: 'file', column: 'size' }, value: 150 };
    expect(await matching(bigger)).toEqual(['b', 'd']);
    expect(await matching({ op: 'not', child: bigger })).toEqual(['a', 'c']);
  });

  it('reads prefixes literally (% and _ are not wildcards) and labels by key', async () => {
    expect(await matching({ op: 'prefix', field: { scope: 'label', key: 'album' }, value: 'b%' })).toEqual(['d']);
    expect(await matching({ op: 'prefix', field: { scope: 'label', key: 'album' }, value: 'beach' })).toEqual([
      'a',
      'b',
    ]);
    expect(await matching({ op: 'prefix', field: { scope: 'file', column: 'uri' }, value: 'oss://photos/d%' })).toEqual(
      ['d'],
    );
    expect(await matching({ op: 'prefix', field: { scope: 'file', column: 'uri' }, value: 'oss://photos/_' })).toEqual(
      [],
    );
    expect(await matching({ op: 'exist', field: { scope: 'label', key: 'album' } })).toEqual(['a', 'b', 'd']);
    expect(await matching({ op: 'eq', field: { scope: 'label', key: 'album' }, value: 'beach' })).toEqual(['a']);
    expect(await matching({ op: 'exist', field: { scope: 'file', column: 'size' } })).toEqual(['a', 'b', 'd']);
  });

  it('finds files by FigureClusterId: a cluster, independent or not yet clustered faces', async () => {
    expect(await matching({ op: 'figureCluster', match: { clusterId: c1 } })).toEqual(['a']);
    expect(await matching({ op: 'figureCluster', match: { state: 'independent' } })).toEqual(['a']);
    expect(await matching({ op: 'figureCluster', match: { state: 'unavailable' } })).toEqual(['b']);
    expect(
      await matching({ op: 'nested', children: [{ op: 'figureCluster', match: { clusterId: c1 } }, gender('male')] }),
    ).toEqual([]);
  });

  it('compares numbers, times and ids with their column types', async () => {
    const created: SearchCondition = {
      op: 'lt',
      field: { scope: 'file', column: 'createTime' },
      value: new Date(Date.now() + 60_000),
    };
    expect(await matching(created)).toEqual(['a', 'b', 'c', 'd']);
    expect(await matching({ ...created, op: 'gt' })).toEqual([]);
    const [figure] = await db.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM figures WHERE file_id = $1 AND gender = 'male'`,
      [file.b.id],
    );
    expect(await matching({ op: 'eq', field: { scope: 'figure', column: 'figureId' }, value: figure.id })).toEqual([
      'b',
    ]);
    expect(await matching({ op: 'eq', field: { scope: 'figure', column: 'age' }, value: '30' })).toEqual(['a', 'b']);
  });

  it('treats a hostile value as data', async () => {
    const hostile = "x'); DROP TABLE files; --";
    expect(await matching({ op: 'eq', field: { scope: 'file', column: 'uri' }, value: hostile })).toEqual([]);
    expect(await matching({ op: 'exist', field: { scope: 'label', key: hostile } })).toEqual([]);
    expect(await matching()).toHaveLength(4);
  });

  /** Follows `next` from the first page to the last, checking each page's size. */
  async function allPages(query: Omit<FileSearchQuery, 'after'>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: FileSearchPage['next'];
    let pages = 0;
    do {
      const page = await search.search({ ...query, ...(after ? { after } : {}) });
      pages++;
      if (page.next) expect(page.ids).toHaveLength(query.limit);
      ids.push(...page.ids);
      after = page.next;
    } while (after && pages < 100);
    return { ids, pages };
  }

  it('sorts missing values last descending, first ascending, and pages through them', async () => {
    const desc = await allPages({ datasetId, sort: [{ column: 'size', order: 'DESC' }], limit: 1 });
    expect(names(desc.ids)).toEqual(['b', 'd', 'a', 'c']);
    expect(desc.pages).toBe(4);
    const asc = await allPages({ datasetId, sort: [{ column: 'size', order: 'ASC' }], limit: 3 });
    expect(names(asc.ids)).toEqual(['c', 'a', 'd', 'b']);
    expect(asc.pages).toBe(2);
  });

  it('answers a page that ends exactly at the last row without a cursor', async () => {
    const page = await search.search({ datasetId, sort: byUri, limit: 4 });
    expect(page.ids).toHaveLength(4);
    expect(page.next).toBeUndefined();
    const short = await search.search({ datasetId, sort: byUri, limit: 3 });
    expect(short.next).toEqual({ keys: ['oss://photos/c.png'], id: file.c.id });
  });

  it('pages mixed sort directions and filters together', async () => {
    const query = {
      datasetId,
      condition: { op: 'exist', field: { scope: 'label', key: 'album' } } as SearchCondition,
      sort: [
        { column: 'figureCount', order: 'DESC' },
        { column: 'uri', order: 'DESC' },
      ] as SearchSort[],
      limit: 1,
    };
    expect(names((await allPages(query)).ids)).toEqual(['a', 'd', 'b']);
  });

  it('breaks ties by id: rows created in one transaction page by create time without repeats or gaps', async () => {
    const tied = await make.dataset();
    const ids = await db.dataSource.transaction(async (manager) => {
      const inTx = entityFactories(manager);
      const out: string[] = [];
      for (let i = 0; i < 23; i++) out.push((await inTx.file({ datasetId: tied.id })).id);
      return out;
    });
    const [{ n }] = await db.dataSource.query<Array<{ n: number }>>(
      'SELECT COUNT(DISTINCT create_time)::int AS n FROM files WHERE dataset_id = $1',
      [tied.id],
    );
    expect(n).toBe(1);
    const sorted = [...ids].sort();
    for (const order of ['ASC', 'DESC'] as const) {
      const paged = await allPages({ datasetId: tied.id, sort: [{ column: 'createTime', order }], limit: 5 });
      expect(paged.ids).toEqual(sorted);
      expect(paged.pages).toBe(5);
    }
  });

  it('rejects a cursor that does not match the sort', async () => {
    await expect(
      search.search({ datasetId, sort: byUri, limit: 2, after: { keys: ['x', 'y'], id: file.a.id } }),
    ).rejects.toThrow('cursor does not match the sort');
  });

  it('aggregates file and face fields over the matching files', async () => {
    const size = { scope: 'file', column: 'size' } as const;
    expect(await search.aggregate({ datasetId }, { field: size, operation: 'sum' })).toEqual({ value: 600 });
    expect(await search.aggregate({ datasetId }, { field: size, operation: 'average' })).toEqual({ value: 200 });
    expect(await search.aggregate({ datasetId }, { field: size, operation: 'min' })).toEqual({ value: 100 });
    expect(await search.aggregate({ datasetId }, { field: size, operation: 'max' })).toEqual({ value: 300 });
    expect(await search.aggregate({ datasetId }, { field: size, operation: 'count' })).toEqual({ value: 3 });
    const album = { scope: 'label', key: 'album' } as const;
    expect(await search.aggregate({ datasetId }, { field: album, operation: 'distinct' })).toEqual({ value: 3 });
    const genders = { scope: 'figure', column: 'gender' } as const;
    expect(await search.aggregate({ datasetId }, { field: genders, operation: 'group' })).toEqual({
      groups: [
        { value: 'female', count: 2 },
        { value: 'male', count: 2 },
      ],
    });
    expect(await search.aggregate({ datasetId }, { field: genders, operation: 'group' }, 1)).toEqual({
      groups: [{ value: 'female', count: 2 }],
    });
    // A face field aggregates over every face of the matching files: a (30, 60) and b (30) hold a male face.
    const ages = { scope: 'figure', column: 'age' } as const;
    expect(await search.aggregate({ datasetId, condition: gender('male') }, { field: ages, operation: 'sum' })).toEqual(
      { value: 120 },
    );
    expect(
      await search.aggregate(
        { datasetId, condition: { op: 'eq', field: { scope: 'file', column: 'uri' }, value: 'none' } },
        { field: size, operation: 'max' },
      ),
    ).toEqual({});
  });
});
