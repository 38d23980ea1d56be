import { FileSearchRepository } from '@app/database';
import { connectToSchema } from '@app/testing';
import { parseSimpleQuery, parseSort } from '../apps/gateway/src/gateway.app';
import { GatewayHarness, Seeder, startGateway } from './gateway-harness';

/** SimpleQuery against seeded files, figures and clusters (real Postgres). */
jest.setTimeout(60_000);

describe('SimpleQuery', () => {
  let gw: GatewayHarness;
  let c1: string;
  let c2: string;
  const ds = { ProjectName: 'search', DatasetName: 'people' };
  const uris = (res: { body: { Files: Array<{ URI: string }> } }): string[] => res.body.Files.map((f) => f.URI).sort();
  const q = (body: Record<string, unknown>) => gw.call('SimpleQuery', { ...ds, ...body });

  beforeAll(async () => {
    gw = await startGateway('gwsearch');
    const seed = new Seeder(gw.app);
    await gw.call('CreateProject', { ProjectName: 'search' }).expect(200);
    await gw.call('CreateDataset', ds).expect(200);
    const datasetId = await datasetIdOf(gw);
    const f1 = await seed.indexedFile(
      datasetId,
      'oss://photos/s/1.jpg',
      [
        { gender: 'female', age: 30 },
        { gender: 'male', age: 50 },
      ],
      { size: 100 },
      { customLabels: { album: 'summer' } },
    );
    const f2 = await seed.indexedFile(
      datasetId,
      'oss://photos/s/2.jpg',
      [{ gender: 'female', age: 32 }],
      { size: 200 },
      { customLabels: { album: 'winter' } },
    );
    const f3 = await seed.indexedFile(datasetId, 'oss://photos/s/3.jpg', [{ gender: 'male', age: 20 }], { size: 300 });
    await seed.indexedFile(datasetId, 'oss://photos/s/x/4.jpg', [], { size: 400 });
    await seed.indexedFile(datasetId, 'oss://photos/s/5.jpg', [{ gender: 'female', age: 60 }], { size: 500 });
    [c1, c2] = await seed.cluster(
      datasetId,
      [{ members: [f1.figureIds[0], f2.figureIds[0]] }, { members: [f1.figureIds[1]] }],
      [f3.figureIds[0]],
    );
  });
  afterAll(async () => gw?.close());

  it('finds the files of a person: Figures.FigureClusterId eq Cluster-…', async () => {
    const res = await q({
      Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: `Cluster-${c1}` },
    }).expect(200);
    expect(uris(res)).toEqual(['oss://photos/s/1.jpg', 'oss://photos/s/2.jpg']);
    expect(res.body.TotalHits).toBe(2);
    expect(res.body.Files[0].Figures.length).toBeGreaterThan(0);
    const other = await q({
      Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: `Cluster-${c2}` },
    }).expect(200);
    expect(uris(other)).toEqual(['oss://photos/s/1.jpg']);
    const unavailable = await q({
      Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: 'figure-cluster-id-unavailable' },
    }).expect(200);
    expect(uris(unavailable)).toEqual(['oss://photos/s/5.jpg']);
    const independent = await q({
      Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: 'figure-cluster-id-independent' },
    }).expect(200);
    expect(uris(independent)).toEqual(['oss://photos/s/3.jpg']);
  });

  it('nested matches conditions on the SAME figure; plain and on any figures', async () => {
    const female = { Field: 'Figures.Gender', Operation: 'eq', Value: 'female' };
    const older = { Field: 'Figures.Age', Operation: 'gt', Value: '40' };
    const nested = await q({
      Query: { Field: 'Figures', Operation: 'nested', SubQueries: [{ Operation: 'and', SubQueries: [female, older] }] },
    }).expect(200);
    expect(uris(nested)).toEqual(['oss://photos/s/5.jpg']);
    const anyFigures = await q({ Query: { Operation: 'and', SubQueries: [female, older] } }).expect(200);
    expect(uris(anyFigures)).toEqual(['oss://photos/s/1.jpg', 'oss://photos/s/5.jpg']);
  });

  it('supports or, not, prefix, exist, ranges and custom labels', async () => {
    const or = await q({
      Query: {
        Operation: 'or',
        SubQueries: [
          { Field: 'Size', Operation: 'gte', Value: '300' },
          { Field: 'CustomLabels.album', Operation: 'eq', Value: 'summer' },
        ],
      },
    }).expect(200);
    expect(uris(or)).toEqual([
      'oss://photos/s/1.jpg',
      'oss://photos/s/3.jpg',
      'oss://photos/s/5.jpg',
      'oss://photos/s/x/4.jpg',
    ]);
    const noFaces = await q({
      Query: { Operation: 'not', SubQueries: [{ Field: 'Figures', Operation: 'exist' }] },
    }).expect(200);
    expect(uris(noFaces)).toEqual(['oss://photos/s/x/4.jpg']);
    const prefix = await q({ Query: { Field: 'URI', Operation: 'prefix', Value: 'oss://photos/s/x/' } }).expect(200);
    expect(uris(prefix)).toEqual(['oss://photos/s/x/4.jpg']);
    const labelled = await q({ Query: { Field: 'CustomLabels.album', Operation: 'exist' } }).expect(200);
    expect(uris(labelled)).toEqual(['oss://photos/s/1.jpg', 'oss://photos/s/2.jpg']);
    const range = await q({
      Query: {
        Operation: 'and',
        SubQueries: [
          { Field: 'Size', Operation: 'gt', Value: '100' },
          { Field: 'Size', Operation: 'lte', Value: '300' },
        ],
      },
    }).expect(200);
    expect(uris(range)).toEqual(['oss://photos/s/2.jpg', 'oss://photos/s/3.jpg']);
    const time = await q({ Query: { Field: 'CreateTime', Operation: 'lt', Value: '2000-01-01T00:00:00Z' } }).expect(
      200,
    );
    expect(time.body.Files).toEqual([]);
    const injection = await q({ Query: { Field: 'URI', Operation: 'eq', Value: "x' OR '1'='1" } }).expect(200);
    expect(injection.body.Files).toEqual([]);
  });

  it('sorts on up to 5 fields and pages with NextToken', async () => {
    const pages = await gw.allPages('SimpleQuery', {
      ...ds,
      Sort: 'Size',
      Order: 'desc',
      MaxResults: 2,
      WithFields: ['URI', 'Size'],
    });
    for (const page of pages) expect(Object.keys(page.Files[0]).sort()).toEqual(['Size', 'URI']);
    const seen = pages.flatMap((p) => p.Files.map((f: { URI: string }) => f.URI));
    expect(seen).toEqual([
      'oss://photos/s/5.jpg',
      'oss://photos/s/x/4.jpg',
      'oss://photos/s/3.jpg',
      'oss://photos/s/2.jpg',
      'oss://photos/s/1.jpg',
    ]);

    const multi = (
      await gw.allPages('SimpleQuery', { ...ds, Sort: 'FigureCount,Size', Order: 'desc,asc', MaxResults: 2 })
    ).flatMap((p) => p.Files.map((f: { URI: string }) => f.URI));
    expect(multi).toEqual([
      'oss://photos/s/1.jpg',
      'oss://photos/s/2.jpg',
      'oss://photos/s/3.jpg',
      'oss://photos/s/5.jpg',
      'oss://photos/s/x/4.jpg',
    ]);

    const first = await q({ Sort: 'Size', MaxResults: 1 }).expect(200);
    const mismatched = await q({ Sort: 'ImageWidth', MaxResults: 1, NextToken: first.body.NextToken }).expect(400);
    expect(mismatched.body.Code).toBe('InvalidNextToken');
  });

  it('aggregates: count, sum, average, min, max, distinct, group', async () => {
    const res = await q({
      Aggregations: [
        { Field: 'Size', Operation: 'count' },
        { Field: 'Size', Operation: 'sum' },
        { Field: 'Size', Operation: 'average' },
        { Field: 'Figures.Age', Operation: 'min' },
        { Field: 'Figures.Age', Operation: 'max' },
        { Field: 'Figures.Gender', Operation: 'distinct' },
        { Field: 'Figures.FigureClusterId', Operation: 'group' },
      ],
    }).expect(200);
    const values = res.body.Aggregations.map((a: { Value?: number }) => a.Value);
    expect(values.slice(0, 6)).toEqual([5, 1500, 300, 20, 60, 2]);
    const groups = res.body.Aggregations[6].Groups;
    expect(groups[0]).toEqual({ Value: `Cluster-${c1}`, Count: 2 });
    expect(groups.slice(1)).toEqual(
      expect.arrayContaining([
        { Value: `Cluster-${c2}`, Count: 1 },
        { Value: 'figure-cluster-id-independent', Count: 1 },
        { Value: 'figure-cluster-id-unavailable', Count: 1 },
      ]),
    );
    expect(res.body.Aggregations[6].Groups.map((g: { Count: number }) => g.Count)).toEqual([2, 1, 1, 1]);
    const filtered = await q({
      Query: { Field: 'Figures.Gender', Operation: 'eq', Value: 'female' },
      Aggregations: [{ Field: 'Size', Operation: 'sum' }],
    }).expect(200);
    expect(filtered.body.Aggregations[0].Value).toBe(800);
  });

  it('answers the FigureClusterId query from the figures cluster index (EXPLAIN)', async () => {
    await gw.call('CreateDataset', { ProjectName: 'search', DatasetName: 'bulk' }).expect(200);
    const client = await connectToSchema(gw.db);
    try {
      const [{ id: datasetId }] = (await client.query("SELECT id FROM datasets WHERE name = 'bulk'")).rows;
      await client.query(
        'INSERT INTO figure_clusters (id, dataset_id) SELECT gen_random_uuid(), $1 FROM generate_series(1, 1000)',
        [datasetId],
      );
      await client.query(
        `INSERT INTO files (dataset_id, uri, bucket, object_key, status, figure_count)
         SELECT $1, 'oss://photos/bulk/' || i || '.jpg', 'photos', 'bulk/' || i || '.jpg', 'indexed', 2 FROM generate_series(1, 20000) i`,
        [datasetId],
      );
      await client.query(
        `WITH c AS (SELECT array_agg(id) AS ids FROM figure_clusters WHERE dataset_id = $1)
         INSERT INTO figures (file_id, dataset_id, cluster_id, cluster_state, box_left, box_top, box_width, box_height, figure_confidence, face_quality, embedding)
         SELECT f.id, $1, c.ids[1 + (abs(hashtext(f.id::text || n)) % 1000)], 'clustered', 0, 0, 10, 10, 0.9, 0.9, '\\x00'::bytea
           FROM files f CROSS JOIN generate_series(1, 2) n CROSS JOIN c WHERE f.dataset_id = $1`,
        [datasetId],
      );
      await client.query('ANALYZE files; ANALYZE figures; ANALYZE figure_clusters');
      const [{ id: clusterId }] = (
        await client.query('SELECT cluster_id AS id FROM figures WHERE dataset_id = $1 LIMIT 1', [datasetId])
      ).rows;

      const body = { Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: `Cluster-${clusterId}` } };
      const plan = await gw.app.get(FileSearchRepository).explain({
        datasetId,
        condition: parseSimpleQuery(body.Query),
        sort: parseSort(undefined, undefined),
        limit: 100,
      });
      expect(plan).toMatch(
        /Index (Only )?Scan using ix_figures_cluster on figures|Bitmap Index Scan on ix_figures_cluster/,
      );
      expect(plan).not.toMatch(/Seq Scan on figures/);
      expect(plan).not.toMatch(/Seq Scan on files/);

      const res = await gw
        .call('SimpleQuery', { ProjectName: 'search', DatasetName: 'bulk', ...body, MaxResults: 100 })
        .expect(200);
      const [{ count }] = (
        await client.query('SELECT COUNT(DISTINCT file_id)::int AS count FROM figures WHERE cluster_id = $1', [
          clusterId,
        ])
      ).rows;
      expect(res.body.TotalHits).toBe(count);
    } finally {
      await client.end();
    }
  });
});

async function datasetIdOf(gw: GatewayHarness): Promise<string> {
  const client = await connectToSchema(gw.db);
  try {
    return (await client.query("SELECT id FROM datasets WHERE name = 'people'")).rows[0].id;
  } finally {
    await client.end();
  }
}
