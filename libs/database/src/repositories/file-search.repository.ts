import { figureClusterIdSql } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { FigureEntity, FileEntity } from '../entities';
import { figureColumnsWithoutBlobs } from './file.repository';

/**
 * Searching files of a dataset by their fields and their figures' fields (IMM SimpleQuery).
 * Callers pass a validated condition tree naming columns from the whitelists below; every value travels as a
 * bind parameter. No input is ever concatenated into SQL.
 */

/** File columns a query may filter, sort or aggregate on. */
export const fileSearchColumns = {
  uri: { sql: 'f.uri', type: 'text' },
  customId: { sql: 'f.custom_id', type: 'text' },
  contentType: { sql: 'f.content_type', type: 'text' },
  mediaType: { sql: 'f.media_type', type: 'text' },
  etag: { sql: 'f.etag', type: 'text' },
  size: { sql: 'f.size', type: 'number' },
  imageWidth: { sql: 'f.image_width', type: 'number' },
  imageHeight: { sql: 'f.image_height', type: 'number' },
  figureCount: { sql: 'f.figure_count', type: 'number' },
  createTime: { sql: 'f.create_time', type: 'time' },
  updateTime: { sql: 'f.update_time', type: 'time' },
  fileModifiedTime: { sql: 'f.file_modified_time', type: 'time' },
} as const;
export type FileSearchColumn = keyof typeof fileSearchColumns;

/** Figure columns (alias g). `figureClusterId` is IMM's FigureClusterId, derived from cluster_id and cluster_state. */
export const figureSearchColumns = {
  figureId: { sql: 'g.id', type: 'uuid' },
  figureClusterId: {
    sql: figureClusterIdSql('g.cluster_id', 'g.cluster_state'),
    type: 'text',
  },
  gender: { sql: 'g.gender', type: 'text' },
  emotion: { sql: 'g.emotion', type: 'text' },
  mouth: { sql: 'g.mouth', type: 'text' },
  age: { sql: 'g.age', type: 'number' },
  ageSD: { sql: 'g.age_sd', type: 'number' },
  genderConfidence: { sql: 'g.gender_confidence', type: 'number' },
  emotionConfidence: { sql: 'g.emotion_confidence', type: 'number' },
  mouthConfidence: { sql: 'g.mouth_confidence', type: 'number' },
  faceQuality: { sql: 'g.face_quality', type: 'number' },
  figureConfidence: { sql: 'g.figure_confidence', type: 'number' },
  sharpness: { sql: 'g.sharpness', type: 'number' },
  pitch: { sql: 'g.pitch', type: 'number' },
  roll: { sql: 'g.roll', type: 'number' },
  yaw: { sql: 'g.yaw', type: 'number' },
  boundaryLeft: { sql: 'g.box_left', type: 'number' },
  boundaryTop: { sql: 'g.box_top', type: 'number' },
  boundaryWidth: { sql: 'g.box_width', type: 'number' },
  boundaryHeight: { sql: 'g.box_height', type: 'number' },
} as const;
export type FigureSearchColumn = keyof typeof figureSearchColumns;

export type SearchField =
  | { scope: 'file'; column: FileSearchColumn }
  | { scope: 'label'; key: string }
  | { scope: 'figure'; column: FigureSearchColumn };

export type SearchValue = string | number | Date;

/** A figure's cluster as IMM names it: a cluster uuid, or one of the two reserved states. */
export type FigureClusterMatch = { clusterId: string } | { state: 'unavailable' | 'independent' };

export type SearchCondition =
  | { op: 'and' | 'or'; children: SearchCondition[] }
  | { op: 'not'; child: SearchCondition }
  /** Every child holds for the SAME figure. */
  | { op: 'nested'; children: SearchCondition[] }
  | { op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'prefix'; field: SearchField; value: SearchValue }
  | { op: 'exist'; field: SearchField }
  /** Any figure (or, inside nested, this figure) exists. */
  | { op: 'hasFigures' }
  /** Figures.FigureClusterId eq: compiled to the indexed cluster_id / cluster_state columns. */
  | { op: 'figureCluster'; match: FigureClusterMatch };

export interface SearchSort {
  column: FileSearchColumn;
  order: 'ASC' | 'DESC';
}

export interface FileSearchQuery {
  datasetId: string;
  condition?: SearchCondition;
  sort: SearchSort[];
  limit: number;
  /** Keyset cursor from the previous page: the sort keys (as text) and the id of its last row. */
  after?: { keys: string[]; id: string };
}

export interface FileSearchPage {
  ids: string[];
  /** Cursor of the last row when there may be more rows. */
  next?: { keys: string[]; id: string };
}

export type AggregationOperation = 'count' | 'sum' | 'average' | 'min' | 'max' | 'distinct' | 'group';

export interface SearchAggregation {
  field: SearchField;
  operation: AggregationOperation;
}

export interface AggregationResult {
  value?: number;
  groups?: Array<{ value: string; count: number }>;
}

const comparison = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Builds the SQL text with numbered placeholders; values go to `params`. */
class SqlBuilder {
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

function columnSql(field: Exclude<SearchField, { scope: 'label' }>): { sql: string; type: string } {
  return field.scope === 'file' ? fileSearchColumns[field.column] : figureSearchColumns[field.column];
}

/** Whether a condition speaks only of a file's figures (a `nested` condition was checked when it was built). */
export function isFigureCondition(condition: SearchCondition): boolean {
  switch (condition.op) {
    case 'and':
    case 'or':
      return condition.children.length > 0 && condition.children.every(isFigureCondition);
    case 'not':
      return isFigureCondition(condition.child);
    case 'nested':
    case 'hasFigures':
    case 'figureCluster':
      return true;
    case 'exist':
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'prefix':
      return condition.field.scope === 'figure';
  }
}

function leafSql(b: SqlBuilder, condition: Extract<SearchCondition, { field: SearchField }>): string {
  const field = condition.field;
  if (field.scope === 'label') {
    const key = b.param(field.key);
    if (condition.op === 'exist') return `f.custom_labels ? ${key}`;
    const value = `f.custom_labels ->> ${key}`;
    if (condition.op === 'prefix') return `starts_with(${value}, ${b.param(String(condition.value))})`;
    return `${value} ${comparison[condition.op]} ${b.param(String(condition.value))}`;
  }
  const column = columnSql(field);
  if (condition.op === 'exist') return `${column.sql} IS NOT NULL`;
  if (condition.op === 'prefix') return `starts_with(${column.sql}::text, ${b.param(String(condition.value))})`;
  const cast =
    column.type === 'number'
      ? '::double precision'
      : column.type === 'time'
        ? '::timestamptz'
        : column.type === 'uuid'
          ? '::uuid'
          : '::text';
  const value = condition.value instanceof Date ? condition.value.toISOString() : condition.value;
  return `${column.sql} ${comparison[condition.op]} ${b.param(value)}${cast}`;
}

/** A condition on the figure aliased `g` (inside EXISTS or nested). */
function figureSql(b: SqlBuilder, condition: SearchCondition): string {
  switch (condition.op) {
    case 'and':
    case 'or':
      return `(${condition.children.map((c) => figureSql(b, c)).join(` ${condition.op.toUpperCase()} `)})`;
    case 'not':
      return `NOT (${figureSql(b, condition.child)})`;
    case 'nested':
      return `(${condition.children.map((c) => figureSql(b, c)).join(' AND ')})`;
    case 'hasFigures':
      return 'TRUE';
    case 'figureCluster':
      return 'clusterId' in condition.match
        ? `g.cluster_id = ${b.param(condition.match.clusterId)}::uuid AND g.cluster_state = 'clustered'`
        : `g.cluster_state = ${b.param(condition.match.state)}`;
    case 'exist':
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'prefix':
      return leafSql(b, condition);
  }
}

function figuresExist(b: SqlBuilder, condition: SearchCondition): string {
  return `EXISTS (SELECT 1 FROM figures g WHERE g.file_id = f.id AND ${figureSql(b, condition)})`;
}

/** A condition on the file aliased `f`; figure conditions become EXISTS over its figures. */
function fileSql(b: SqlBuilder, condition: SearchCondition): string {
  if (isFigureCondition(condition) && condition.op !== 'and' && condition.op !== 'or' && condition.op !== 'not') {
    // The cluster lookup is written as an IN over the figures' cluster index: the query users run most.
    if (condition.op === 'figureCluster' && 'clusterId' in condition.match) {
      return `f.id IN (SELECT g.file_id FROM figures g WHERE g.cluster_id = ${b.param(condition.match.clusterId)}::uuid AND g.cluster_state = 'clustered')`;
    }
    return figuresExist(b, condition);
  }
  switch (condition.op) {
    case 'and':
    case 'or':
      return `(${condition.children.map((c) => fileSql(b, c)).join(` ${condition.op.toUpperCase()} `)})`;
    case 'not':
      return `NOT COALESCE(${fileSql(b, condition.child)}, FALSE)`;
    case 'nested':
    case 'hasFigures':
    case 'figureCluster':
      return figuresExist(b, condition);
    case 'exist':
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'prefix':
      return leafSql(b, condition);
  }
}

/** Sort expressions never yield NULL, so keyset comparisons stay total. */
function sortExpression(column: FileSearchColumn): string {
  const { sql, type } = fileSearchColumns[column];
  if (type === 'number') return `COALESCE(${sql}, -1)`;
  if (type === 'time') return `COALESCE(${sql}, '-infinity'::timestamptz)`;
  return `COALESCE(${sql}, '')`;
}

function whereSql(b: SqlBuilder, query: Pick<FileSearchQuery, 'datasetId' | 'condition'>): string {
  const scope = `f.dataset_id = ${b.param(query.datasetId)}::uuid`;
  return query.condition ? `${scope} AND ${fileSql(b, query.condition)}` : scope;
}

/** SELECT of one page of matching file ids with their sort keys (as text), keyset-paged. */
export function buildSearchSql(query: FileSearchQuery): { sql: string; params: unknown[] } {
  const b = new SqlBuilder();
  const where = whereSql(b, query);
  const sortExprs = query.sort.map((s) => sortExpression(s.column));
  let keyset = '';
  if (query.after) {
    if (query.after.keys.length !== query.sort.length) throw new Error('cursor does not match the sort');
    const keys = query.after.keys.map((k) => b.param(k));
    const id = b.param(query.after.id);
    const alternatives: string[] = [];
    for (let i = 0; i <= sortExprs.length; i++) {
      const equal = sortExprs.slice(0, i).map((e, j) => `${e} = ${keys[j]}`);
      const last =
        i < sortExprs.length
          ? `${sortExprs[i]} ${query.sort[i].order === 'ASC' ? '>' : '<'} ${keys[i]}`
          : `f.id > ${id}::uuid`;
      alternatives.push(`(${[...equal, last].join(' AND ')})`);
    }
    keyset = ` AND (${alternatives.join(' OR ')})`;
  }
  const order = [...query.sort.map((s, i) => `${sortExprs[i]} ${s.order}`), 'f.id ASC'].join(', ');
  const keys = sortExprs.map((e, i) => `, (${e})::text AS "k${i}"`).join('');
  const sql = `SELECT f.id AS "id"${keys} FROM files f WHERE ${where}${keyset} ORDER BY ${order} LIMIT ${b.param(query.limit + 1)}`;
  return { sql, params: b.params };
}

export function buildCountSql(query: Pick<FileSearchQuery, 'datasetId' | 'condition'>): {
  sql: string;
  params: unknown[];
} {
  const b = new SqlBuilder();
  return { sql: `SELECT COUNT(*)::bigint AS "count" FROM files f WHERE ${whereSql(b, query)}`, params: b.params };
}

export function buildAggregationSql(
  query: Pick<FileSearchQuery, 'datasetId' | 'condition'>,
  aggregation: SearchAggregation,
  maxGroups: number,
): { sql: string; params: unknown[] } {
  const b = new SqlBuilder();
  const where = whereSql(b, query);
  const field = aggregation.field;
  let source = `files f WHERE ${where}`;
  let expr: string;
  let type: string;
  if (field.scope === 'label') {
    expr = `f.custom_labels ->> ${b.param(field.key)}`;
    type = 'text';
  } else {
    const column = columnSql(field);
    expr = column.sql;
    type = column.type;
    if (field.scope === 'figure') source = `files f JOIN figures g ON g.file_id = f.id WHERE ${where}`;
  }
  const numeric = type === 'number' ? `(${expr})::double precision` : expr;
  switch (aggregation.operation) {
    case 'count':
      return { sql: `SELECT COUNT(${expr})::double precision AS "value" FROM ${source}`, params: b.params };
    case 'distinct':
      return { sql: `SELECT COUNT(DISTINCT ${expr})::double precision AS "value" FROM ${source}`, params: b.params };
    case 'sum':
      return { sql: `SELECT SUM(${numeric})::double precision AS "value" FROM ${source}`, params: b.params };
    case 'average':
      return { sql: `SELECT AVG(${numeric})::double precision AS "value" FROM ${source}`, params: b.params };
    case 'min':
      return { sql: `SELECT MIN(${numeric})::double precision AS "value" FROM ${source}`, params: b.params };
    case 'max':
      return { sql: `SELECT MAX(${numeric})::double precision AS "value" FROM ${source}`, params: b.params };
    case 'group':
      return {
        sql: `SELECT (${expr})::text AS "value", COUNT(*)::bigint AS "count" FROM ${source} AND (${expr}) IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 ASC LIMIT ${b.param(maxGroups)}`,
        params: b.params,
      };
  }
}

@Injectable()
export class FileSearchRepository {
  private readonly files: Repository<FileEntity>;
  private readonly figures: Repository<FigureEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.files = dataSource.getRepository(FileEntity);
    this.figures = dataSource.getRepository(FigureEntity);
  }

  async search(query: FileSearchQuery): Promise<FileSearchPage> {
    const { sql, params } = buildSearchSql(query);
    const rows: Array<Record<string, string>> = await this.dataSource.query(sql, params);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      ids: page.map((r) => r['id']),
      ...(rows.length > query.limit && last
        ? { next: { keys: query.sort.map((_, i) => last[`k${i}`]), id: last['id'] } }
        : {}),
    };
  }

  async count(query: Pick<FileSearchQuery, 'datasetId' | 'condition'>): Promise<number> {
    const { sql, params } = buildCountSql(query);
    const [row] = await this.dataSource.query<Array<{ count: string }>>(sql, params);
    return Number(row?.count ?? 0);
  }

  async aggregate(
    query: Pick<FileSearchQuery, 'datasetId' | 'condition'>,
    aggregation: SearchAggregation,
    maxGroups = 100,
  ): Promise<AggregationResult> {
    const { sql, params } = buildAggregationSql(query, aggregation, maxGroups);
    const rows = await this.dataSource.query<Array<{ value: string | number | null; count?: string }>>(sql, params);
    if (aggregation.operation === 'group') {
      return { groups: rows.map((r) => ({ value: String(r.value), count: Number(r.count) })) };
    }
    const value = rows[0]?.value;
    return value === null || value === undefined ? {} : { value: Number(value) };
  }

  /** The plan PostgreSQL picks for a search (tests assert index use). */
  async explain(query: FileSearchQuery): Promise<string> {
    const { sql, params } = buildSearchSql(query);
    const rows = await this.dataSource.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /** Files by id, in the given order (missing ones skipped). */
  async filesByIds(ids: string[]): Promise<FileEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.files.find({ where: { id: In(ids) } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is FileEntity => r !== undefined);
  }

  /** Cover faces of clusters: the figure (without blobs) and its file's URI, by figure id. */
  async covers(figureIds: string[]): Promise<Map<string, { figure: FigureEntity; uri: string }>> {
    const out = new Map<string, { figure: FigureEntity; uri: string }>();
    if (figureIds.length === 0) return out;
    const figures = await this.figures.find({
      where: { id: In(figureIds) },
      select: figureColumnsWithoutBlobs,
    });
    const files = await this.files.find({
      where: { id: In([...new Set(figures.map((f) => f.fileId))]) },
      select: { id: true, uri: true },
    });
    const uriOf = new Map(files.map((f) => [f.id, f.uri]));
    for (const figure of figures) out.set(figure.id, { figure, uri: uriOf.get(figure.fileId) ?? '' });
    return out;
  }
}
