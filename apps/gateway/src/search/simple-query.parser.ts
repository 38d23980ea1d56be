import {
  FigureClusterIdIndependent,
  FigureClusterIdUnavailable,
  InvalidArgumentError,
  parseFigureClusterId,
} from '@app/contracts';
import type {
  AggregationOperation,
  FigureSearchColumn,
  FileSearchColumn,
  SearchAggregation,
  SearchCondition,
  SearchField,
  SearchSort,
  SearchValue,
} from '@app/database';
import { isFigureCondition } from '@app/database';

const MIN_TIME = Date.parse('1900-01-01T00:00:00Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59Z');

/** Sort keys of a keyset cursor as PostgreSQL printed them: a tampered key must not reach a typed comparison. */
export function cursorKeysFit(keys: string[], sort: SearchSort[]): boolean {
  if (keys.length !== sort.length) return false;
  return sort.every((s, i) => {
    const key = keys[i];
    switch (fileColumnTypes[s.column]) {
      case 'number':
        return /^-?\d{1,20}(\.\d{1,20})?$/.test(key);
      case 'time': {
        if (key === '-infinity') return true;
        const match = /^(\d{4})-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.exec(key);
        return match !== null && !Number.isNaN(Date.parse(key.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')));
      }
      case 'text':
      case 'uuid':
        return key.length <= 2048;
    }
  });
}

/**
 * IMM SimpleQuery -> a validated condition tree over whitelisted columns (pure, no I/O).
 * Every problem is an InvalidArgument naming the offending path (e.g. `Query.SubQueries[2].Value`).
 */

export const MAX_QUERY_DEPTH = 5;
export const MAX_QUERY_CONDITIONS = 100;
export const MAX_SORT_FIELDS = 5;
export const MAX_AGGREGATIONS = 10;
const MAX_VALUE_LENGTH = 1024;

type ColumnType = 'text' | 'number' | 'time' | 'uuid';

const fileFields: Record<string, { column: FileSearchColumn; type: ColumnType }> = {
  URI: { column: 'uri', type: 'text' },
  CustomId: { column: 'customId', type: 'text' },
  ContentType: { column: 'contentType', type: 'text' },
  MediaType: { column: 'mediaType', type: 'text' },
  ETag: { column: 'etag', type: 'text' },
  Size: { column: 'size', type: 'number' },
  ImageWidth: { column: 'imageWidth', type: 'number' },
  ImageHeight: { column: 'imageHeight', type: 'number' },
  FigureCount: { column: 'figureCount', type: 'number' },
  CreateTime: { column: 'createTime', type: 'time' },
  UpdateTime: { column: 'updateTime', type: 'time' },
  FileModifiedTime: { column: 'fileModifiedTime', type: 'time' },
};

const figureFields: Record<string, { column: FigureSearchColumn; type: ColumnType }> = {
  'Figures.FigureId': { column: 'figureId', type: 'uuid' },
  'Figures.FigureClusterId': { column: 'figureClusterId', type: 'text' },
  'Figures.Gender': { column: 'gender', type: 'text' },
  'Figures.Emotion': { column: 'emotion', type: 'text' },
  'Figures.Mouth': { column: 'mouth', type: 'text' },
  'Figures.Age': { column: 'age', type: 'number' },
  'Figures.AgeSD': { column: 'ageSD', type: 'number' },
  'Figures.GenderConfidence': { column: 'genderConfidence', type: 'number' },
  'Figures.EmotionConfidence': { column: 'emotionConfidence', type: 'number' },
  'Figures.MouthConfidence': { column: 'mouthConfidence', type: 'number' },
  'Figures.FaceQuality': { column: 'faceQuality', type: 'number' },
  'Figures.FigureConfidence': { column: 'figureConfidence', type: 'number' },
  'Figures.Sharpness': { column: 'sharpness', type: 'number' },
  'Figures.HeadPose.Pitch': { column: 'pitch', type: 'number' },
  'Figures.HeadPose.Roll': { column: 'roll', type: 'number' },
  'Figures.HeadPose.Yaw': { column: 'yaw', type: 'number' },
  'Figures.Boundary.Left': { column: 'boundaryLeft', type: 'number' },
  'Figures.Boundary.Top': { column: 'boundaryTop', type: 'number' },
  'Figures.Boundary.Width': { column: 'boundaryWidth', type: 'number' },
  'Figures.Boundary.Height': { column: 'boundaryHeight', type: 'number' },
};

const fileColumnTypes = Object.fromEntries(Object.values(fileFields).map((f) => [f.column, f.type])) as Record<
  FileSearchColumn,
  ColumnType
>;

/** Field names a query may sort by. */
export const sortableFields = Object.keys(fileFields);

const operations = ['eq', 'gt', 'gte', 'lt', 'lte', 'prefix', 'exist', 'and', 'or', 'not', 'nested'] as const;
type Operation = (typeof operations)[number];
const queryKeys = new Set(['Field', 'Operation', 'Value', 'SubQueries']);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(path: string, message: string): never {
  throw new InvalidArgumentError(`The parameter ${path} is invalid: ${message}.`);
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

interface ResolvedField {
  field: SearchField;
  type: ColumnType;
}

function resolveField(name: unknown, path: string): ResolvedField {
  if (typeof name !== 'string' || name.length === 0) fail(path, 'must be a non-empty string');
  if (name.length > 256) fail(path, 'must be at most 256 characters');
  const file = fileFields[name];
  if (file) return { field: { scope: 'file', column: file.column }, type: file.type };
  const figure = figureFields[name];
  if (figure) return { field: { scope: 'figure', column: figure.column }, type: figure.type };
  if (name.startsWith('CustomLabels.')) {
    const key = name.slice('CustomLabels.'.length);
    if (key.length === 0 || key.length > 128) fail(path, 'the label key must have 1 to 128 characters');
    return { field: { scope: 'label', key }, type: 'text' };
  }
  return fail(path, `unknown field "${clip(name)}"`);
}

function parseValue(raw: unknown, type: ColumnType, path: string): SearchValue {
  if (typeof raw !== 'string' && typeof raw !== 'number') fail(path, 'must be a string');
  const text = String(raw);
  if (text.length > MAX_VALUE_LENGTH) fail(path, `must be at most ${MAX_VALUE_LENGTH} characters`);
  switch (type) {
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) fail(path, 'must be a number');
      return value;
    }
    case 'time': {
      const time = Date.parse(text);
      if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) fail(path, 'must be an RFC 3339 time');
      if (time < MIN_TIME || time > MAX_TIME) fail(path, 'must be between the years 1900 and 9999');
      return new Date(time);
    }
    case 'uuid':
      if (!uuidPattern.test(text)) fail(path, 'must be a figure id (uuid)');
      return text.toLowerCase();
    case 'text':
      return text;
  }
}

interface Budget {
  conditions: number;
}

function parseNode(raw: unknown, path: string, depth: number, budget: Budget, insideNested: boolean): SearchCondition {
  if (depth > MAX_QUERY_DEPTH) fail(path, `queries may nest at most ${MAX_QUERY_DEPTH} levels`);
  budget.conditions += 1;
  if (budget.conditions > MAX_QUERY_CONDITIONS)
    fail('Query', `a query may have at most ${MAX_QUERY_CONDITIONS} conditions`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(path, 'must be an object');
  const node = raw as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    if (!queryKeys.has(key)) fail(`${path}.${clip(key)}`, 'unknown parameter');
  }
  const operation = node['Operation'];
  if (typeof operation !== 'string' || !(operations as readonly string[]).includes(operation)) {
    fail(`${path}.Operation`, `must be one of ${operations.join(', ')}`);
  }
  const op = operation as Operation;

  if (op === 'and' || op === 'or' || op === 'not' || op === 'nested') {
    if (node['Value'] !== undefined) fail(`${path}.Value`, `is not allowed with ${op}`);
    const subs = node['SubQueries'];
    if (!Array.isArray(subs) || subs.length === 0) fail(`${path}.SubQueries`, `${op} needs at least one sub-query`);
    if (subs.length > MAX_QUERY_CONDITIONS) fail(`${path}.SubQueries`, `at most ${MAX_QUERY_CONDITIONS} sub-queries`);
    if (op === 'not' && subs.length !== 1) fail(`${path}.SubQueries`, 'not takes exactly one sub-query');
    if (op === 'nested') {
      if (node['Field'] !== 'Figures') fail(`${path}.Field`, 'nested queries apply to the field Figures');
      if (insideNested) fail(path, 'nested queries cannot be nested in each other');
    } else if (node['Field'] !== undefined) {
      fail(`${path}.Field`, `is not allowed with ${op}`);
    }
    const children = subs.map((sub, i) =>
      parseNode(sub, `${path}.SubQueries[${i}]`, depth + 1, budget, insideNested || op === 'nested'),
    );
    if (op === 'nested') {
      children.forEach((child, i) => {
        if (!isFigureCondition(child)) fail(`${path}.SubQueries[${i}]`, 'a nested query may only use Figures.* fields');
      });
      return { op: 'nested', children };
    }
    if (op === 'not') return { op: 'not', child: children[0] };
    return { op, children };
  }

  if (node['SubQueries'] !== undefined) fail(`${path}.SubQueries`, `is not allowed with ${op}`);
  if (node['Field'] === 'Figures') {
    if (op !== 'exist') fail(`${path}.Operation`, 'the field Figures supports exist and nested only');
    return { op: 'hasFigures' };
  }
  const { field, type } = resolveField(node['Field'], `${path}.Field`);
  if (insideNested && field.scope !== 'figure') fail(`${path}.Field`, 'a nested query may only use Figures.* fields');
  if (op === 'exist') {
    if (node['Value'] !== undefined) fail(`${path}.Value`, 'is not allowed with exist');
    return { op: 'exist', field };
  }
  if (node['Value'] === undefined) fail(`${path}.Value`, `is required with ${op}`);
  if (op === 'prefix' && type !== 'text') fail(`${path}.Operation`, 'prefix applies to text fields only');
  if ((op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') && type !== 'number' && type !== 'time') {
    fail(`${path}.Operation`, `${op} applies to numeric and time fields only`);
  }
  const value = parseValue(node['Value'], type, `${path}.Value`);
  if (op === 'eq' && field.scope === 'figure' && field.column === 'figureClusterId') {
    return { op: 'figureCluster', match: figureClusterMatch(String(value), `${path}.Value`) };
  }
  return { op, field, value };
}

function figureClusterMatch(
  value: string,
  path: string,
): { clusterId: string } | { state: 'unavailable' | 'independent' } {
  if (value === FigureClusterIdUnavailable) return { state: 'unavailable' };
  if (value === FigureClusterIdIndependent) return { state: 'independent' };
  const clusterId = parseFigureClusterId(value);
  if (!clusterId) fail(path, `must be Cluster-<uuid>, ${FigureClusterIdUnavailable} or ${FigureClusterIdIndependent}`);
  return { clusterId };
}

/** Validates `Query` (undefined = every file). */
export function parseSimpleQuery(raw: unknown): SearchCondition | undefined {
  if (raw === undefined || raw === null) return undefined;
  return parseNode(raw, 'Query', 1, { conditions: 0 }, false);
}

/** IMM Sort ("Size,CreateTime") and Order ("desc,asc"; missing entries are asc). */
export function parseSort(sort: string | undefined, order: string | undefined): SearchSort[] {
  if (sort === undefined || sort.trim() === '') {
    return [{ column: 'createTime', order: order?.trim().toLowerCase() === 'desc' ? 'DESC' : 'ASC' }];
  }
  const names = sort.split(',').map((s) => s.trim());
  if (names.length > MAX_SORT_FIELDS) fail('Sort', `at most ${MAX_SORT_FIELDS} fields`);
  const orders = (order ?? '').split(',').map((o) => o.trim().toLowerCase());
  if (order !== undefined && orders.length > names.length) fail('Order', 'has more entries than Sort');
  const seen = new Set<string>();
  return names.map((name, i) => {
    const field = fileFields[name];
    if (!field) fail('Sort', `cannot sort by "${clip(name)}"; sortable fields: ${sortableFields.join(', ')}`);
    if (seen.has(name)) fail('Sort', `"${name}" appears twice`);
    seen.add(name);
    const direction = orders[i] ?? '';
    if (direction !== '' && direction !== 'asc' && direction !== 'desc') fail('Order', 'entries must be asc or desc');
    return { column: field.column, order: direction === 'desc' ? 'DESC' : 'ASC' };
  });
}

const aggregationOperations: AggregationOperation[] = ['count', 'sum', 'average', 'min', 'max', 'distinct', 'group'];

export function parseAggregations(raw: Array<{ Field: string; Operation: string }> | undefined): SearchAggregation[] {
  if (!raw) return [];
  if (raw.length > MAX_AGGREGATIONS) fail('Aggregations', `at most ${MAX_AGGREGATIONS} aggregations`);
  return raw.map((a, i) => {
    const path = `Aggregations[${i}]`;
    if (!(aggregationOperations as string[]).includes(a.Operation)) {
      fail(`${path}.Operation`, `must be one of ${aggregationOperations.join(', ')}`);
    }
    const operation = a.Operation as AggregationOperation;
    const { field, type } = resolveField(a.Field, `${path}.Field`);
    if (
      (operation === 'sum' || operation === 'average' || operation === 'min' || operation === 'max') &&
      type !== 'number'
    ) {
      fail(`${path}.Operation`, `${operation} applies to numeric fields only`);
    }
    return { field, operation };
  });
}

/** A stable signature of the sort, stored in NextToken so a token cannot be replayed against another sort. */
export function sortSignature(sort: SearchSort[]): string {
  return sort.map((s) => `${s.column}:${s.order}`).join(',');
}
