import { DomainError } from '@app/contracts';
import {
  cursorKeysFit,
  MAX_OR_OPERATIONS,
  MAX_QUERY_CONDITIONS,
  parseAggregations,
  parseSimpleQuery,
  parseSort,
  sortSignature,
} from './simple-query.parser';

const uuid = '3f2b8a1c-1d2e-4f50-8a9b-0c1d2e3f4a5b';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
}

describe('parseSimpleQuery', () => {
  it('turns Figures.FigureClusterId eq into the indexed cluster match', () => {
    expect(parseSimpleQuery({ Field: 'Figures.FigureClusterId', Operation: 'eq', Value: `Cluster-${uuid}` })).toEqual({
      op: 'figureCluster',
      match: { clusterId: uuid },
    });
    expect(
      parseSimpleQuery({ Field: 'Figures.FigureClusterId', Operation: 'eq', Value: 'figure-cluster-id-unavailable' }),
    ).toEqual({
      op: 'figureCluster',
      match: { state: 'unavailable' },
    });
    expect(
      errorOf(() => parseSimpleQuery({ Field: 'Figures.FigureClusterId', Operation: 'eq', Value: 'Cluster-1' }))
        .message,
    ).toContain('Query.Value');
  });

  it('maps IMM fields to whitelisted columns and typed values', () => {
    expect(parseSimpleQuery({ Field: 'Size', Operation: 'gte', Value: '10' })).toEqual({
      op: 'gte',
      field: { scope: 'file', column: 'size' },
      value: 10,
    });
    expect(parseSimpleQuery({ Field: 'CustomLabels.album', Operation: 'prefix', Value: 'sum' })).toEqual({
      op: 'prefix',
      field: { scope: 'label', key: 'album' },
      value: 'sum',
    });
    expect(parseSimpleQuery({ Field: 'Figures.HeadPose.Yaw', Operation: 'lt', Value: '-3.5' })).toEqual({
      op: 'lt',
      field: { scope: 'figure', column: 'yaw' },
      value: -3.5,
    });
    const time = parseSimpleQuery({ Field: 'CreateTime', Operation: 'gt', Value: '2024-01-02T03:04:05Z' });
    expect(time).toMatchObject({ value: new Date('2024-01-02T03:04:05Z') });
    expect(parseSimpleQuery({ Field: 'Figures', Operation: 'exist' })).toEqual({ op: 'hasFigures' });
    expect(parseSimpleQuery(undefined)).toBeUndefined();
  });

  it('builds and/or/not/nested trees', () => {
    const q = parseSimpleQuery({
      Operation: 'or',
      SubQueries: [
        { Operation: 'not', SubQueries: [{ Field: 'URI', Operation: 'prefix', Value: 'oss://a/' }] },
        {
          Field: 'Figures',
          Operation: 'nested',
          SubQueries: [
            { Field: 'Figures.Gender', Operation: 'eq', Value: 'female' },
            { Field: 'Figures.Age', Operation: 'gt', Value: '40' },
          ],
        },
      ],
    });
    expect(q).toEqual({
      op: 'or',
      children: [
        { op: 'not', child: { op: 'prefix', field: { scope: 'file', column: 'uri' }, value: 'oss://a/' } },
        {
          op: 'nested',
          children: [
            { op: 'eq', field: { scope: 'figure', column: 'gender' }, value: 'female' },
            { op: 'gt', field: { scope: 'figure', column: 'age' }, value: 40 },
          ],
        },
      ],
    });
  });

  it('enforces depth 5 and 100 conditions, naming the place', () => {
    const nest = (d: number): object =>
      d <= 1 ? { Field: 'Size', Operation: 'exist' } : { Operation: 'and', SubQueries: [nest(d - 1)] };
    expect(() => parseSimpleQuery(nest(5))).not.toThrow();
    expect(errorOf(() => parseSimpleQuery(nest(6))).message).toContain('at most 5 levels');
    const many = (n: number) => ({
      Operation: 'or',
      SubQueries: Array.from({ length: n }, () => ({ Field: 'Size', Operation: 'exist' })),
    });
    expect(() => parseSimpleQuery(many(MAX_QUERY_CONDITIONS - 1))).not.toThrow();
    expect(errorOf(() => parseSimpleQuery(many(MAX_QUERY_CONDITIONS))).message).toContain('100 conditions');
  });

  it.each([
    [{ Field: 'URI', Operation: 'like', Value: '%' }, 'Query.Operation'],
    [{ Field: 'Secret', Operation: 'eq', Value: 'x' }, 'Query.Field'],
    [{ Field: 'Size', Operation: 'eq', Value: 'ten' }, 'Query.Value'],
    [{ Field: 'Size', Operation: 'eq' }, 'Query.Value'],
    [{ Field: 'Size', Operation: 'exist', Value: '1' }, 'Query.Value'],
    [{ Field: 'URI', Operation: 'gt', Value: 'a' }, 'Query.Operation'],
    [{ Field: 'Figures.FigureId', Operation: 'eq', Value: 'x' }, 'Query.Value'],
    [{ Operation: 'and', SubQueries: [] }, 'Query.SubQueries'],
    [
      {
        Operation: 'not',
        SubQueries: [
          { Field: 'Size', Operation: 'exist' },
          { Field: 'Size', Operation: 'exist' },
        ],
      },
      'Query.SubQueries',
    ],
    [
      { Field: 'Figures', Operation: 'nested', SubQueries: [{ Field: 'URI', Operation: 'exist' }] },
      'Query.SubQueries[0].Field',
    ],
    [{ Operation: 'and', SubQueries: [{ Field: 'URI', Operation: 'exist', Extra: 1 }] }, 'Query.SubQueries[0].Extra'],
    ['a string', 'Query'],
  ])('rejects %j naming %s', (query, path) => {
    const error = errorOf(() => parseSimpleQuery(query));
    expect(error.code).toBe('InvalidArgument');
    expect(error.message).toContain(path);
  });
});

describe('parseSort / parseAggregations', () => {
  it('parses comma lists with per-field order', () => {
    const sort = parseSort('FigureCount,Size', 'desc');
    expect(sort).toEqual([
      { column: 'figureCount', order: 'DESC' },
      { column: 'size', order: 'ASC' },
    ]);
    expect(sortSignature(sort)).toBe('figureCount:DESC,size:ASC');
    expect(parseSort(undefined, undefined)).toEqual([{ column: 'createTime', order: 'ASC' }]);
    expect(() => parseSort('Size,Size', undefined)).toThrow('twice');
    expect(() => parseSort('Size,URI,CreateTime,UpdateTime,ImageWidth,ImageHeight', undefined)).toThrow('at most 5');
  });

  it('validates aggregation operations against field types', () => {
    expect(parseAggregations([{ Field: 'Figures.FigureClusterId', Operation: 'group' }])).toEqual([
      { field: { scope: 'figure', column: 'figureClusterId' }, operation: 'group' },
    ]);
    expect(() => parseAggregations([{ Field: 'URI', Operation: 'average' }])).toThrow('numeric');
    expect(() => parseAggregations([{ Field: 'Size', Operation: 'median' }])).toThrow('Aggregations[0].Operation');
  });
});

describe('cursorKeysFit', () => {
  it('accepts keys as PostgreSQL prints them and rejects tampered ones', () => {
    const sort = parseSort('Size,CreateTime,URI', undefined);
    expect(cursorKeysFit(['100', '2026-11-28 23:00:22.669473+00', "any ' text"], sort)).toBe(true);
    expect(cursorKeysFit(['-1', '-infinity', ''], sort)).toBe(true);
    expect(cursorKeysFit(['abc', '2026-11-28 23:00:22+00', 'x'], sort)).toBe(false);
    expect(cursorKeysFit(['1', 'yesterday', 'x'], sort)).toBe(false);
    expect(cursorKeysFit(['1'], sort)).toBe(false);
  });

  it('bounds integers as the columns do (int4, and Size a safe integer)', () => {
    const width = parseSort('ImageWidth', undefined);
    expect(cursorKeysFit([String(2 ** 31 - 1)], width)).toBe(true);
    expect(cursorKeysFit([String(2 ** 31)], width)).toBe(false);
    expect(cursorKeysFit(['1.5'], width)).toBe(false);
    const size = parseSort('Size', undefined);
    expect(cursorKeysFit([String(2 ** 53 - 1)], size)).toBe(true);
    expect(cursorKeysFit([String(2 ** 53 + 2)], size)).toBe(false);
    expect(cursorKeysFit(['99999999999999999999'], size)).toBe(false);
  });
});

describe('prototype names', () => {
  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString'])('%s is an unknown field everywhere', (name) => {
    expect(errorOf(() => parseSimpleQuery({ Field: name, Operation: 'eq', Value: 'x' })).message).toContain(
      'Query.Field',
    );
    expect(errorOf(() => parseSort(name, undefined)).message).toContain('Sort');
    expect(errorOf(() => parseAggregations([{ Field: name, Operation: 'count' }])).message).toContain(
      'Aggregations[0].Field',
    );
  });
});

describe('or budget', () => {
  const or = (subs: object[]) => ({ Operation: 'or', SubQueries: subs });
  const leaf = { Field: 'Size', Operation: 'exist' };
  it(`allows ${MAX_OR_OPERATIONS} or operations and refuses one more`, () => {
    const ors = (n: number) => ({ Operation: 'and', SubQueries: Array.from({ length: n }, () => or([leaf, leaf])) });
    expect(() => parseSimpleQuery(ors(MAX_OR_OPERATIONS))).not.toThrow();
    expect(errorOf(() => parseSimpleQuery(ors(MAX_OR_OPERATIONS + 1))).message).toContain(
      `at most ${MAX_OR_OPERATIONS} or operations`,
    );
  });
});
