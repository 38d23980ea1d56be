import { buildAggregationSql, buildSearchSql, isFigureCondition, SearchCondition } from './file-search.repository';

const datasetId = '3f2b8a1c-1d2e-4f50-8a9b-0c1d2e3f4a5b';
const male: SearchCondition = { op: 'eq', field: { scope: 'figure', column: 'gender' }, value: 'male' };
const big: SearchCondition = { op: 'gt', field: { scope: 'file', column: 'size' }, value: 10 };

describe('file search SQL: paging and condition shapes', () => {
  it('asks for one row more than the page, so the repository knows whether another page follows', () => {
    const { sql, params } = buildSearchSql({ datasetId, sort: [], limit: 25 });
    expect(sql).toMatch(/ORDER BY f\.id ASC LIMIT \$2$/);
    expect(params).toEqual([datasetId, 26]);
  });

  it('pages by id alone when there is no sort', () => {
    const { sql, params } = buildSearchSql({ datasetId, sort: [], limit: 5, after: { keys: [], id: datasetId } });
    expect(sql).toContain('AND ((f.id > $2::uuid))');
    expect(params).toEqual([datasetId, datasetId, 6]);
  });

  it('returns each sort key as text under a stable alias for the cursor', () => {
    const { sql } = buildSearchSql({
      datasetId,
      sort: [
        { column: 'createTime', order: 'DESC' },
        { column: 'uri', order: 'ASC' },
      ],
      limit: 1,
    });
    expect(sql).toContain(`(COALESCE(f.create_time, '-infinity'::timestamptz))::text AS "k0"`);
    expect(sql).toContain(`(COALESCE(f.uri, ''))::text AS "k1"`);
    expect(sql).toContain(
      `ORDER BY COALESCE(f.create_time, '-infinity'::timestamptz) DESC, COALESCE(f.uri, '') ASC, f.id ASC`,
    );
  });

  it('rejects a cursor with more or fewer keys than sort fields', () => {
    expect(() =>
      buildSearchSql({
        datasetId,
        sort: [{ column: 'uri', order: 'ASC' }],
        limit: 1,
        after: { keys: [], id: datasetId },
      }),
    ).toThrow('cursor does not match the sort');
  });

  it('puts a not over a face condition outside the EXISTS, so files without faces match it', () => {
    const { sql } = buildSearchSql({ datasetId, condition: { op: 'not', child: male }, sort: [], limit: 1 });
    expect(sql).toContain(
      'NOT COALESCE(EXISTS (SELECT 1 FROM figures g WHERE g.file_id = f.id AND g.gender = $2::text), FALSE)',
    );
  });

  it('checks every child of nested on one face, each child of and on any face', () => {
    const age: SearchCondition = { op: 'gte', field: { scope: 'figure', column: 'age' }, value: 60 };
    const nested = buildSearchSql({
      datasetId,
      condition: { op: 'nested', children: [male, age] },
      sort: [],
      limit: 1,
    });
    expect(nested.sql.match(/EXISTS/g)).toHaveLength(1);
    expect(nested.sql).toContain('(g.gender = $2::text AND g.age >= $3::double precision)');
    const and = buildSearchSql({ datasetId, condition: { op: 'and', children: [male, age] }, sort: [], limit: 1 });
    expect(and.sql.match(/EXISTS/g)).toHaveLength(2);
  });

  it('tells face conditions from file conditions', () => {
    expect(isFigureCondition(male)).toBe(true);
    expect(isFigureCondition(big)).toBe(false);
    expect(isFigureCondition({ op: 'or', children: [male, big] })).toBe(false);
    expect(isFigureCondition({ op: 'not', child: { op: 'and', children: [male] } })).toBe(true);
    expect(isFigureCondition({ op: 'and', children: [] })).toBe(false);
    expect(isFigureCondition({ op: 'exist', field: { scope: 'label', key: 'k' } })).toBe(false);
  });

  it('aggregates a label as text and bounds the groups by a parameter', () => {
    const { sql, params } = buildAggregationSql(
      { datasetId, condition: big },
      { field: { scope: 'label', key: 'album' }, operation: 'group' },
      7,
    );
    expect(sql).toContain('(f.custom_labels ->> $3)::text AS "value"');
    expect(sql).toMatch(/LIMIT \$4$/);
    expect(params).toEqual([datasetId, 10, 'album', 7]);
    const sum = buildAggregationSql({ datasetId }, { field: { scope: 'file', column: 'size' }, operation: 'sum' }, 7);
    expect(sum.sql).toBe(
      'SELECT SUM((f.size)::double precision)::double precision AS "value" FROM files f WHERE f.dataset_id = $1::uuid',
    );
  });
});
