import { buildAggregationSql, buildCountSql, buildSearchSql } from './file-search.repository';

const datasetId = '3f2b8a1c-1d2e-4f50-8a9b-0c1d2e3f4a5b';
const hostile = "x'); DROP TABLE files; --";

describe('file search SQL', () => {
  it('passes every value as a parameter, never in the SQL text', () => {
    const { sql, params } = buildSearchSql({
      datasetId,
      condition: {
        op: 'or',
        children: [
          { op: 'eq', field: { scope: 'file', column: 'uri' }, value: hostile },
          { op: 'prefix', field: { scope: 'label', key: hostile }, value: hostile },
          { op: 'nested', children: [{ op: 'eq', field: { scope: 'figure', column: 'gender' }, value: hostile }] },
        ],
      },
      sort: [{ column: 'size', order: 'DESC' }],
      limit: 10,
      after: { keys: [hostile], id: datasetId },
    });
    expect(sql).not.toContain('DROP');
    expect(params.filter((p) => p === hostile)).toHaveLength(5);
    expect(sql).toContain('ORDER BY COALESCE(f.size, -1) DESC, f.id ASC');
  });

  it('compiles the cluster lookup to an IN over the figures cluster index', () => {
    const { sql, params } = buildCountSql({
      datasetId,
      condition: { op: 'figureCluster', match: { clusterId: datasetId } },
    });
    expect(sql).toContain(
      "f.id IN (SELECT g.file_id FROM figures g WHERE g.cluster_id = $2::uuid AND g.cluster_state = 'clustered')",
    );
    expect(params).toEqual([datasetId, datasetId]);
  });

  it('builds keyset conditions for mixed sort directions', () => {
    const { sql } = buildSearchSql({
      datasetId,
      sort: [
        { column: 'figureCount', order: 'DESC' },
        { column: 'size', order: 'ASC' },
      ],
      limit: 2,
      after: { keys: ['2', '100'], id: datasetId },
    });
    expect(sql).toContain(
      '(COALESCE(f.figure_count, -1) < $2) OR (COALESCE(f.figure_count, -1) = $2 AND COALESCE(f.size, -1) > $3)',
    );
    expect(sql).toContain('f.id > $4::uuid');
  });

  it('groups figure fields over the figures of matching files', () => {
    const { sql } = buildAggregationSql(
      { datasetId },
      { field: { scope: 'figure', column: 'figureClusterId' }, operation: 'group' },
      50,
    );
    expect(sql).toContain('JOIN figures g ON g.file_id = f.id');
    expect(sql).toContain('GROUP BY 1');
  });
});
