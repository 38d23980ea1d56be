import { connectToSchema } from '@app/testing';
import { Client } from 'pg';
import request from 'supertest';
import { GatewayHarness, Seeder, startGateway } from './gateway-harness';

jest.setTimeout(60_000);

const token = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const ds = { ProjectName: 'bad', DatasetName: 'ds' };
const nest = (depth: number): Record<string, unknown> =>
  depth <= 1 ? { Field: 'Size', Operation: 'gt', Value: '1' } : { Operation: 'and', SubQueries: [nest(depth - 1)] };

interface Case {
  name: string;
  /** Operation name, or a full path starting with '/'. */
  op: string;
  body: unknown;
  status: number;
  code: string | RegExp;
  /** Text the message must contain (usually the offending field). */
  mentions?: string;
  method?: 'get' | 'post';
  contentType?: string;
}

const cases: Case[] = [
  {
    name: 'missing name',
    op: 'CreateProject',
    body: {},
    status: 400,
    code: 'MissingProjectName',
    mentions: 'ProjectName',
  },
  {
    name: 'name of wrong type',
    op: 'CreateProject',
    body: { ProjectName: 123 },
    status: 400,
    code: 'InvalidProjectName',
    mentions: 'ProjectName',
  },
  {
    name: 'over-long name',
    op: 'CreateProject',
    body: { ProjectName: 'a'.repeat(129) },
    status: 400,
    code: 'InvalidProjectName',
    mentions: '128',
  },
  {
    name: 'SQL in a name',
    op: 'CreateProject',
    body: { ProjectName: "x'; DROP TABLE projects; --" },
    status: 400,
    code: 'InvalidProjectName',
    mentions: 'ProjectName',
  },
  {
    name: 'unknown field',
    op: 'CreateProject',
    body: { ProjectName: 'ok', Evil: 1 },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Evil',
  },
  {
    name: 'prototype pollution',
    op: 'CreateProject',
    body: '{"ProjectName":"ok","__proto__":{"polluted":true}}',
    status: 400,
    code: 'InvalidArgument',
    mentions: '__proto__',
  },
  {
    name: 'limit out of range',
    op: 'CreateProject',
    body: { ProjectName: 'ok', DatasetMaxBindCount: 11 },
    status: 400,
    code: 'InvalidDatasetMaxBindCount',
    mentions: 'DatasetMaxBindCount',
  },
  {
    name: 'over-long description',
    op: 'CreateProject',
    body: { ProjectName: 'ok', Description: 'x'.repeat(257) },
    status: 400,
    code: 'InvalidDescription',
    mentions: 'Description',
  },
  {
    name: 'array body',
    op: 'CreateProject',
    body: '[1,2]',
    status: 400,
    code: 'InvalidArgument',
    mentions: 'JSON object',
  },
  { name: 'malformed JSON', op: 'CreateProject', body: '{"ProjectName": ', status: 400, code: 'InvalidJSON' },
  { name: 'JSON null', op: 'CreateProject', body: 'null', status: 400, code: 'InvalidJSON' },
  {
    name: 'body over the size limit',
    op: 'CreateProject',
    body: { ProjectName: 'big', Description: 'x'.repeat(1_100_000) },
    status: 413,
    code: 'PayloadTooLarge',
    mentions: 'BODY_LIMIT_BYTES',
  },
  {
    name: 'unknown operation',
    op: 'DropDatabase',
    body: {},
    status: 404,
    code: 'OperationNotSupported',
    mentions: 'DropDatabase',
  },
  {
    name: 'GET on an operation',
    op: '/api/v1/ListProjects',
    body: undefined,
    method: 'get',
    status: 404,
    code: 'OperationNotSupported',
  },
  {
    name: 'unknown project',
    op: 'GetProject',
    body: { ProjectName: 'nope' },
    status: 404,
    code: 'ResourceNotFound',
    mentions: 'nope',
  },
  {
    name: 'dataset in unknown project',
    op: 'CreateDataset',
    body: { ProjectName: 'nope', DatasetName: 'x' },
    status: 404,
    code: 'ResourceNotFound',
  },
  { name: 'existing dataset', op: 'CreateDataset', body: ds, status: 409, code: 'ResourceAlreadyExists' },
  {
    name: 'path traversal name',
    op: 'GetDataset',
    body: { ProjectName: 'bad', DatasetName: '../etc' },
    status: 400,
    code: 'InvalidDatasetName',
  },
  {
    name: 'MaxResults too large',
    op: 'ListProjects',
    body: { MaxResults: 101 },
    status: 400,
    code: 'InvalidMaxResults',
    mentions: 'MaxResults',
  },
  { name: 'MaxResults negative', op: 'ListProjects', body: { MaxResults: -1 }, status: 400, code: 'InvalidMaxResults' },
  {
    // '10' is accepted: IMM's SDK sends every number as text.
    name: 'MaxResults as a non-numeric string',
    op: 'ListProjects',
    body: { MaxResults: 'ten' },
    status: 400,
    code: 'InvalidMaxResults',
  },
  {
    name: 'NextToken garbage',
    op: 'ListProjects',
    body: { NextToken: 'garbage!!' },
    status: 400,
    code: 'InvalidNextToken',
    mentions: 'NextToken',
  },
  {
    name: 'NextToken tampered',
    op: 'ListProjects',
    body: { NextToken: token({ p: { $gt: '' } }) },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'NextToken from another list',
    op: 'ListDatasets',
    body: { ProjectName: 'bad', NextToken: token({ p: 'alpha' }) },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'http URI',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'http://evil.example/x.jpg' } },
    status: 400,
    code: 'InvalidURI',
    mentions: 'File.URI',
  },
  {
    name: 'URI without key',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/' } },
    status: 400,
    code: 'InvalidURI',
  },
  {
    name: 'URI with bad bucket',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://UPPER/x.jpg' } },
    status: 400,
    code: 'InvalidURI',
  },
  {
    name: 'URI with NUL',
    op: 'GetFileMeta',
    body: { ...ds, URI: 'oss://photos/a\u0000.jpg' },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'URI',
  },
  { name: 'missing File', op: 'IndexFileMeta', body: ds, status: 400, code: 'MissingFile', mentions: 'File' },
  {
    name: 'missing File.URI',
    op: 'IndexFileMeta',
    body: { ...ds, File: {} },
    status: 400,
    code: 'MissingURI',
    mentions: 'File.URI',
  },
  {
    name: 'unknown File field',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/a.jpg', Size: 1 } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'File.Size',
  },
  {
    name: 'label of wrong type',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/a.jpg', CustomLabels: { k: 1 } } },
    status: 400,
    code: 'InvalidCustomLabels',
    mentions: 'File.CustomLabels.k',
  },
  {
    name: 'bad notification endpoint',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/a.jpg' }, Notification: { HTTP: { Endpoint: 'ftp://x' } } },
    status: 400,
    code: 'InvalidEndpoint',
    mentions: 'Notification.HTTP.Endpoint',
  },
  {
    name: 'over-long UserData',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/a.jpg' }, UserData: 'u'.repeat(3000) },
    status: 400,
    code: 'InvalidUserData',
  },
  {
    name: 'index into unknown dataset',
    op: 'IndexFileMeta',
    body: { ProjectName: 'bad', DatasetName: 'nope', File: { URI: 'oss://photos/a.jpg' } },
    status: 404,
    code: 'ResourceNotFound',
  },
  {
    name: 'dataset file limit',
    op: 'IndexFileMeta',
    body: { ProjectName: 'bad', DatasetName: 'tiny', File: { URI: 'oss://photos/new.jpg' } },
    status: 400,
    code: 'LimitExceededError',
    mentions: 'DatasetMaxFileCount',
  },
  {
    name: '101 files',
    op: 'BatchIndexFileMeta',
    body: { ...ds, Files: Array.from({ length: 101 }, (_, i) => ({ URI: `oss://photos/${i}.jpg` })) },
    status: 400,
    code: 'InvalidFiles',
    mentions: '100',
  },
  { name: 'no files', op: 'BatchIndexFileMeta', body: { ...ds, Files: [] }, status: 400, code: 'InvalidFiles' },
  {
    name: 'Files as string',
    op: 'BatchIndexFileMeta',
    body: { ...ds, Files: 'oss://photos/a.jpg' },
    status: 400,
    code: 'InvalidFiles',
  },
  {
    name: 'unknown query operation',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'URI', Operation: 'regex', Value: '.*' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Operation',
  },
  {
    name: 'query nested 6 deep',
    op: 'SimpleQuery',
    body: { ...ds, Query: nest(6) },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'nest',
  },
  {
    name: 'query with 101 conditions',
    op: 'SimpleQuery',
    body: {
      ...ds,
      Query: {
        Operation: 'or',
        SubQueries: Array.from({ length: 100 }, () => ({ Field: 'Size', Operation: 'gt', Value: '1' })),
      },
    },
    status: 400,
    code: 'InvalidArgument',
    mentions: '100 conditions',
  },
  {
    name: 'query nested 20000 deep',
    op: 'SimpleQuery',
    body: `{"ProjectName":"bad","DatasetName":"ds","Query":${'{"Operation":"not","SubQueries":['.repeat(20000)}{}${']}'.repeat(20000)}}`,
    status: 400,
    code: /^(InvalidJSON|InvalidArgument)$/,
  },
  {
    name: 'unknown query field',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'Password', Operation: 'eq', Value: 'x' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Field',
  },
  {
    name: 'non-numeric value',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'Size', Operation: 'gt', Value: '1; DROP TABLE files' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Value',
  },
  {
    name: 'SQL in a cluster id',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: "Cluster-x' OR 1=1 --" } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Value',
  },
  {
    name: 'object as value',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'URI', Operation: 'eq', Value: { $ne: null } } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Value',
  },
  {
    name: 'unknown query key',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'URI', Operation: 'exist', Eval: 'x' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Eval',
  },
  {
    name: 'nested on file fields',
    op: 'SimpleQuery',
    body: {
      ...ds,
      Query: { Field: 'Figures', Operation: 'nested', SubQueries: [{ Field: 'Size', Operation: 'gt', Value: '1' }] },
    },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Figures',
  },
  {
    name: 'prefix on a number',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'Size', Operation: 'prefix', Value: '1' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'prefix',
  },
  {
    name: 'unknown sort field',
    op: 'SimpleQuery',
    body: { ...ds, Sort: 'Password' },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Sort',
  },
  {
    name: 'six sort fields',
    op: 'SimpleQuery',
    body: { ...ds, Sort: 'Size,URI,CreateTime,UpdateTime,ImageWidth,ImageHeight' },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Sort',
  },
  {
    name: 'bad order',
    op: 'SimpleQuery',
    body: { ...ds, Sort: 'Size', Order: 'sideways' },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Order',
  },
  {
    name: 'unknown aggregation',
    op: 'SimpleQuery',
    body: { ...ds, Aggregations: [{ Field: 'Size', Operation: 'median' }] },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Aggregations[0].Operation',
  },
  {
    name: 'sum of text',
    op: 'SimpleQuery',
    body: { ...ds, Aggregations: [{ Field: 'Figures.Gender', Operation: 'sum' }] },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'numeric',
  },
  {
    name: 'search NextToken tampered',
    op: 'SimpleQuery',
    body: { ...ds, NextToken: token({ s: 'createTime:ASC', k: ["'; DROP TABLE files; --"], i: 'not-a-uuid' }) },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'cluster sort field',
    op: 'QueryFigureClusters',
    body: { ...ds, Sort: 'Password' },
    status: 400,
    code: 'InvalidSort',
    mentions: 'Sort',
  },
  {
    name: 'bad time range',
    op: 'QueryFigureClusters',
    body: { ...ds, CreateTimeRange: { Start: 'yesterday' } },
    status: 400,
    code: 'InvalidStart',
    mentions: 'CreateTimeRange.Start',
  },
  {
    name: 'cluster NextToken tampered',
    op: 'QueryFigureClusters',
    body: {
      ...ds,
      NextToken: token({ s: 'CreateTime', o: 'ASC', v: { x: 1 }, i: '00000000-0000-4000-8000-000000000000' }),
    },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'bad cluster id',
    op: 'GetFigureCluster',
    body: { ...ds, ObjectId: 'Cluster-1 OR 1=1' },
    status: 400,
    code: 'InvalidObjectId',
    mentions: 'ObjectId',
  },
  {
    name: 'negative lock version',
    op: 'UpdateFigureCluster',
    body: { ...ds, FigureCluster: { ObjectId: 'Cluster-00000000-0000-4000-8000-000000000000', MetaLockVersion: -1 } },
    status: 400,
    code: 'InvalidMetaLockVersion',
  },
  {
    name: 'over-long cluster name',
    op: 'UpdateFigureCluster',
    body: { ...ds, FigureCluster: { ObjectId: 'Cluster-00000000-0000-4000-8000-000000000000', Name: 'n'.repeat(200) } },
    status: 400,
    code: 'InvalidName',
    mentions: 'FigureCluster.Name',
  },
  {
    name: 'unknown cluster',
    op: 'UpdateFigureCluster',
    body: { ...ds, FigureCluster: { ObjectId: 'Cluster-00000000-0000-4000-8000-000000000000', Name: 'x' } },
    status: 404,
    code: 'ResourceNotFound',
  },
  {
    name: 'unknown task type',
    op: 'GetTask',
    body: { ProjectName: 'bad', TaskType: 'Hack', TaskId: 'x' },
    status: 400,
    code: 'InvalidTaskType',
    mentions: 'TaskType',
  },
  {
    name: 'unknown task',
    op: 'GetTask',
    body: { ProjectName: 'bad', TaskType: 'IndexFileMeta', TaskId: "IndexFileMeta-' OR 1=1" },
    status: 404,
    code: 'ResourceNotFound',
  },
  {
    name: 'bad tag selector',
    op: 'ListTasks',
    body: { ProjectName: 'bad', TagSelector: 'no-equals' },
    status: 400,
    code: 'InvalidTagSelector',
  },
  {
    name: 'binding URI without slash',
    op: 'CreateBinding',
    body: { ...ds, URI: 'oss://photos/prefix' },
    status: 400,
    code: 'InvalidURI',
    mentions: 'URI',
  },
  {
    name: 'binding on a missing bucket',
    op: 'CreateBinding',
    body: { ...ds, URI: 'oss://no-such-bucket/' },
    status: 400,
    code: 'InvalidURI',
    mentions: 'no-such-bucket',
  },
  {
    name: 'unknown binding',
    op: 'DeleteBinding',
    body: { ...ds, URI: 'oss://photos/none/' },
    status: 404,
    code: 'ResourceNotFound',
  },
  {
    name: 'NUL in a description',
    op: 'CreateProject',
    body: { ProjectName: 'nul', Description: 'a\u0000b' },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Description',
  },
  {
    name: 'NUL in a label key',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/a.jpg', CustomLabels: { ['k\u0000']: 'v' } } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'File.CustomLabels',
  },
  {
    name: 'NUL in a query value',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'URI', Operation: 'eq', Value: 'oss://photos/\u0000' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Value',
  },
  {
    name: 'time before 1900',
    op: 'QueryFigureClusters',
    body: { ...ds, UpdateTimeRange: { Start: '0001-01-01T00:00:00Z' } },
    status: 400,
    code: 'InvalidStart',
    mentions: '1900',
  },
  {
    name: 'query time out of range',
    op: 'SimpleQuery',
    body: { ...ds, Query: { Field: 'CreateTime', Operation: 'gt', Value: '0000-01-01T00:00:00Z' } },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'Query.Value',
  },
  {
    name: 'search cursor key of wrong type',
    op: 'SimpleQuery',
    body: {
      ...ds,
      Sort: 'Size',
      NextToken: token({ s: 'size:ASC', k: ['abc'], i: '00000000-0000-4000-8000-000000000000' }),
    },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'cluster cursor time garbage',
    op: 'QueryFigureClusters',
    body: {
      ...ds,
      NextToken: token({ s: 'CreateTime', o: 'ASC', v: 'not a time', i: '00000000-0000-4000-8000-000000000000' }),
    },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'notification without records',
    op: '/api/v1/events/storage',
    body: { Records: 'all' },
    status: 400,
    code: 'InvalidRecords',
    mentions: 'Records',
  },
  {
    name: 'notification with a broken key',
    op: '/api/v1/events/storage',
    body: {
      Records: [{ eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: 'photos' }, object: { key: '%E0%A4%A' } } }],
    },
    status: 400,
    code: 'InvalidKey',
    mentions: 'Records[0].s3.object.key',
  },
  ...['constructor', '__proto__', 'hasOwnProperty'].flatMap((name): Case[] => [
    {
      name: `${name} as a query field`,
      op: 'SimpleQuery',
      body: { ...ds, Query: { Field: name, Operation: 'eq', Value: 'x' } },
      status: 400,
      code: 'InvalidArgument',
      mentions: 'Query.Field',
    },
    {
      name: `${name} as a sort field`,
      op: 'SimpleQuery',
      body: { ...ds, Sort: name },
      status: 400,
      code: 'InvalidArgument',
      mentions: 'Sort',
    },
    {
      name: `${name} as an aggregation field`,
      op: 'SimpleQuery',
      body: { ...ds, Aggregations: [{ Field: name, Operation: 'count' }] },
      status: 400,
      code: 'InvalidArgument',
      mentions: 'Aggregations[0].Field',
    },
  ]),
  {
    name: 'forged cluster NextToken holding 2^53',
    op: 'QueryFigureClusters',
    body: {
      ...ds,
      Sort: 'FaceCount',
      NextToken: token({ s: 'FaceCount', o: 'ASC', v: 2 ** 53, i: '00000000-0000-4000-8000-000000000000' }),
    },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'forged search NextToken holding 2^53',
    op: 'SimpleQuery',
    body: {
      ...ds,
      Sort: 'ImageWidth',
      NextToken: `${token({ s: 'imageWidth:ASC', k: [String(2 ** 53)], i: '00000000-0000-4000-8000-000000000000' })}.${'A'.repeat(43)}`,
    },
    status: 400,
    code: 'InvalidNextToken',
  },
  {
    name: 'MetaLockVersion 2^31',
    op: 'UpdateFigureCluster',
    body: {
      ...ds,
      FigureCluster: { ObjectId: 'Cluster-00000000-0000-4000-8000-000000000000', Name: 'x', MetaLockVersion: 2 ** 31 },
    },
    status: 400,
    code: 'InvalidMetaLockVersion',
    mentions: 'MetaLockVersion',
  },
  {
    name: 'query with 11 or operations',
    op: 'SimpleQuery',
    body: {
      ...ds,
      Query: {
        Operation: 'and',
        SubQueries: Array.from({ length: 11 }, () => ({
          Operation: 'or',
          SubQueries: [
            { Field: 'Size', Operation: 'gt', Value: '1' },
            { Field: 'URI', Operation: 'prefix', Value: 'oss://' },
          ],
        })),
      },
    },
    status: 400,
    code: 'InvalidArgument',
    mentions: 'or operations',
  },
  ...['http://127.0.0.1:6380/', 'https://127.0.0.1:6380/', 'https://169.254.169.254/latest', 'https://[::1]/x'].map(
    (Endpoint): Case => ({
      name: `notification endpoint ${Endpoint}`,
      op: 'IndexFileMeta',
      body: { ...ds, File: { URI: 'oss://photos/a.jpg' }, Notification: { HTTP: { Endpoint } } },
      status: 400,
      code: 'InvalidEndpoint',
      mentions: 'Notification.HTTP.Endpoint',
    }),
  ),
  {
    name: 'dot segments into another bucket',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://facecluster/../other-bucket/key.jpg' } },
    status: 400,
    code: 'InvalidURI',
    mentions: 'File.URI',
  },
  {
    name: 'dot segments in a binding',
    op: 'CreateBinding',
    body: { ...ds, URI: 'oss://photos/a/../../other-bucket/' },
    status: 400,
    code: 'InvalidURI',
  },
  {
    name: 'control character in a key',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://photos/a\u0001b.jpg' } },
    status: 400,
    code: 'InvalidURI',
  },
  {
    name: 'bucket outside the allow-list',
    op: 'IndexFileMeta',
    body: { ...ds, File: { URI: 'oss://other-bucket/x.jpg' } },
    status: 400,
    code: 'InvalidURI',
    mentions: 'S3_ALLOWED_BUCKETS',
  },
  {
    name: 'binding on a bucket outside the allow-list',
    op: 'CreateBinding',
    body: { ...ds, URI: 'oss://other-bucket/' },
    status: 400,
    code: 'InvalidURI',
    mentions: 'S3_ALLOWED_BUCKETS',
  },
];

/** Row counts and a checksum of every table of the schema. */
async function snapshot(client: Client): Promise<Record<string, string>> {
  const tables = (
    await client.query('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1')
  ).rows.map((r) => r.tablename as string);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await client.query(
      `SELECT COUNT(*)::int AS n, md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM "${table}" t`,
    );
    out[table] = `${rows[0].n}:${rows[0].sum}`;
  }
  return out;
}

describe('hostile and malformed requests', () => {
  let gw: GatewayHarness;
  let client: Client;
  let before: Record<string, string>;
  let jobsBefore: Record<string, number>;

  beforeAll(async () => {
    // other-bucket exists on the S3 server, but this deployment may not read it.
    gw = await startGateway('badinput', { S3_ALLOWED_BUCKETS: 'photos,no-such-bucket' });
    await gw.call('CreateProject', { ProjectName: 'bad' }).expect(200);
    await gw.call('CreateDataset', ds).expect(200);
    await gw.call('CreateDataset', { ProjectName: 'bad', DatasetName: 'tiny', DatasetMaxFileCount: 1 }).expect(200);
    client = await connectToSchema(gw.db);
    const [{ id }] = (await client.query("SELECT id FROM datasets WHERE name = 'tiny'")).rows;
    await new Seeder(gw.app).indexedFile(id, 'oss://photos/only.jpg', [{}]);
    await gw.call('CreateDataset', { ProjectName: 'bad', DatasetName: 'two' }).expect(200);
    const [{ id: twoId }] = (await client.query("SELECT id FROM datasets WHERE name = 'two'")).rows;
    for (const name of ['a', 'b']) await new Seeder(gw.app).indexedFile(twoId, `oss://photos/${name}.jpg`, [{}]);
    before = await snapshot(client);
    jobsBefore = await gw.queues.Index.getJobCounts();
  });
  afterAll(async () => {
    await client?.end();
    await gw?.close();
  });

  it(`has at least 40 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const server = gw.app.getHttpServer();
    const path = c.op.startsWith('/') ? c.op : `/api/v1/${c.op}`;
    let req = c.method === 'get' ? request(server).get(path) : request(server).post(path);
    if (typeof c.body === 'string') req = req.set('content-type', c.contentType ?? 'application/json').send(c.body);
    else if (c.body !== undefined) req = req.send(c.body as object);
    const res = await req;
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: c.status,
      body: {
        RequestId: expect.any(String),
        Code: c.code instanceof RegExp ? expect.stringMatching(c.code) : c.code,
        Message: expect.any(String),
      },
    });
    expect(Object.keys(res.body).sort()).toEqual(['Code', 'Message', 'RequestId']);
    if (c.mentions) expect(res.body.Message).toContain(c.mentions);
    expect(res.body.Message).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it("refuses another dataset's NextToken, and another key's", async () => {
    const page = await gw.call('SimpleQuery', { ProjectName: 'bad', DatasetName: 'two', MaxResults: 1 }).expect(200);
    const nextToken = page.body.NextToken as string;
    expect(nextToken).not.toBe('');
    await gw
      .call('SimpleQuery', { ProjectName: 'bad', DatasetName: 'two', MaxResults: 1, NextToken: nextToken })
      .expect(200);
    for (const DatasetName of ['ds', 'tiny']) {
      const res = await gw.call('SimpleQuery', {
        ProjectName: 'bad',
        DatasetName,
        MaxResults: 1,
        NextToken: nextToken,
      });
      expect({ status: res.status, code: res.body.Code }).toEqual({ status: 400, code: 'InvalidNextToken' });
    }
    const other = await startGateway('badinput2', { NEXT_TOKEN_SECRET: 'another-secret-of-at-least-32-chars' });
    try {
      await other.call('CreateProject', { ProjectName: 'bad' }).expect(200);
      await other.call('CreateDataset', { ProjectName: 'bad', DatasetName: 'two' }).expect(200);
      const res = await other.call('SimpleQuery', { ProjectName: 'bad', DatasetName: 'two', NextToken: nextToken });
      expect({ status: res.status, code: res.body.Code }).toEqual({ status: 400, code: 'InvalidNextToken' });
    } finally {
      await other.close();
    }
  });

  it('left the database and the queues exactly as they were', async () => {
    expect(await snapshot(client)).toEqual(before);
    expect(await gw.queues.Index.getJobCounts()).toEqual(jobsBefore);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
