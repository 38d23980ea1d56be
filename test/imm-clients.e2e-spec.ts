/** @jest-environment ./test/support/shared-realm.environment.js */
/**
 * Existing IMM programs work unchanged: the seed workflow through Alibaba Cloud's own clients, each signing with
 * an AccessKey, against the running stack. `@alicloud/pop-core` (RPC, HMAC-SHA1, GET and form POST) and
 * `@alicloud/openapi-client` (the generated IMM SDK's runtime) with its default ACS3-HMAC-SHA256 and with
 * signatureAlgorithm 'v2'. Requests are built the way the generated SDK builds them (imm-20200930/src/client.ts:
 * objects and arrays as JSON "shrink" strings in the query, style RPC, POST /, formData). Then every refusal:
 * wrong secret, unknown key, expired timestamp, replayed nonce, another project's data, a revoked key.
 */
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import RPCClient from '@alicloud/pop-core';
import { bbtDir, bbtPhotos } from './support/fixtures';
import { Stack, startStack } from './support/stack';

jest.setTimeout(240_000);

const API_KEY = 'imm-clients-operator-key-0123';
const ENCRYPTION_KEY = 'a1'.repeat(32);
const VERSION = '2020-09-30';
/** The clients' defaults (3 s reads) are too short for a loaded 2-core test machine. */
const TIMEOUTS = { readTimeout: 60_000, connectTimeout: 30_000 };
const POP_TIMEOUT = { timeout: 60_000 };
const people = ['amy', 'howard', 'penny'];
const photosAvailable = bbtDir() !== null;
if (!photosAvailable) {
  console.warn(
    'imm-clients.e2e-spec: the workflow cases are skipped, the labelled photos (../shared/datasets/misc/bbt-labelled) are absent',
  );
}
const itWithPhotos = photosAvailable ? it : it.skip;

interface Pair {
  AccessKeyId: string;
  AccessKeySecret: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- IMM response bodies
type Body = Record<string, any>;

/** One IMM client: `call(action, params)` with params as the caller's code writes them. */
interface ImmClient {
  name: string;
  call(action: string, params: Body): Promise<Body>;
}

/** The generated SDK's conversion: objects and arrays as JSON strings ("shrink"), the rest as they are. */
function shrink(params: Body): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return out;
}

function openApiClient(endpoint: string, pair: Pair, signatureAlgorithm?: 'v2'): OpenApi {
  return new OpenApi(
    new $OpenApi.Config({
      accessKeyId: pair.AccessKeyId,
      accessKeySecret: pair.AccessKeySecret,
      endpoint,
      protocol: 'http',
      ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    }),
  );
}

/** callApi exactly as imm-20200930's `<operation>WithOptions` does; `headers`/`extraQuery` let a test override. */
async function sdkCall(
  client: OpenApi,
  action: string,
  params: Body,
  overrides: { headers?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<Body> {
  const request = new $OpenApi.OpenApiRequest({
    query: { ...OpenApiUtil.query(shrink(params)), ...(overrides.query ?? {}) },
    ...(overrides.headers ? { headers: overrides.headers } : {}),
  });
  const apiParams = new $OpenApi.Params({
    action,
    version: VERSION,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const response = await client.callApi(apiParams, request, new $Util.RuntimeOptions(TIMEOUTS));
  return response.body as Body;
}

function popClient(endpoint: string, pair: Pair): RPCClient {
  return new RPCClient({
    accessKeyId: pair.AccessKeyId,
    accessKeySecret: pair.AccessKeySecret,
    endpoint,
    apiVersion: VERSION,
  });
}

/** pop-core flattens arrays itself (`Files.1.URI`); nested objects go as JSON strings, as its users write them. */
function popParams(params: Body): Body {
  const out: Body = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : value;
  }
  return out;
}

/** The error a client threw: its code and HTTP status. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; data?: { Code?: string; statusCode?: number; HttpStatus?: number } };
    return { code: e.code ?? e.data?.Code ?? 'none', status: e.data?.statusCode ?? e.data?.HttpStatus ?? 0 };
  }
  throw new Error('expected the call to be refused');
}

describe('IMM clients against the stack (signed AccessKey requests)', () => {
  let stack: Stack;
  let endpoint: string;
  let all: Pair;
  let onlyA: Pair;

  const operator = (operation: string, body: Body = {}) =>
    stack.http.post(`/api/v1/${operation}`).set('x-api-key', API_KEY).send(body);

  beforeAll(async () => {
    stack = await startStack({
      label: 'immclients',
      clusterDebounceMs: 1500,
      env: { API_KEY, ACCESS_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY },
    });
    endpoint = stack.gatewayUrl.replace('http://', '');
    all = (await operator('CreateAccessKey', { Description: 'every project' }).expect(200)).body.AccessKey;
    onlyA = (await operator('CreateAccessKey', { Projects: ['proj-a'] }).expect(200)).body.AccessKey;
    await operator('CreateProject', { ProjectName: 'proj-a' }).expect(200);
    await operator('CreateProject', { ProjectName: 'proj-b' }).expect(200);
    await operator('CreateDataset', { ProjectName: 'proj-b', DatasetName: 'secret' }).expect(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stores secrets encrypted: the database holds no secret in clear', async () => {
    const { rows } = await stack.db.query('SELECT access_key_id, secret_ciphertext FROM access_keys');
    expect(rows.length).toBe(2);
    for (const row of rows as Array<{ secret_ciphertext: string }>) {
      expect(row.secret_ciphertext).not.toContain(all.AccessKeySecret);
      expect(row.secret_ciphertext).not.toContain(onlyA.AccessKeySecret);
      expect(Buffer.from(row.secret_ciphertext, 'base64').toString('latin1')).not.toContain(all.AccessKeySecret);
    }
    const listed = (await operator('ListAccessKeys').expect(200)).body.AccessKeys as Body[];
    expect(listed.map((k) => k.AccessKeyId).sort()).toEqual([all.AccessKeyId, onlyA.AccessKeyId].sort());
    expect(JSON.stringify(listed)).not.toContain(all.AccessKeySecret);
  });

  const clients = (): ImmClient[] => [
    {
      name: 'openapi-client (ACS3-HMAC-SHA256)',
      call: (action, params) => sdkCall(openApiClient(endpoint, all), action, params),
    },
    {
      name: "openapi-client (signatureAlgorithm 'v2', HMAC-SHA1)",
      call: (action, params) => sdkCall(openApiClient(endpoint, all, 'v2'), action, params),
    },
    {
      name: 'pop-core (GET, HMAC-SHA1)',
      call: (action, params) =>
        popClient(`http://${endpoint}`, all).request<Body>(action, popParams(params), POP_TIMEOUT),
    },
    {
      name: 'pop-core (form POST, HMAC-SHA1)',
      call: (action, params) =>
        popClient(`http://${endpoint}`, all).request<Body>(action, popParams(params), {
          method: 'POST',
          ...POP_TIMEOUT,
        }),
    },
  ];

  itWithPhotos('runs the seed workflow through each client', async () => {
    // Three photos a person: two make no cluster (IMM's minimum).
    const photos = bbtPhotos(people, [1, 2, 3]);
    for (const photo of photos) await stack.storage.put('photos', photo.key, photo.body, 'image/png');
    for (const [i, client] of clients().entries()) {
      const ProjectName = `workflow-${i}`;
      const DatasetName = 'people';
      const created = await client.call('CreateProject', { ProjectName });
      expect(created.Project.ProjectName).toBe(ProjectName);
      await client.call('CreateDataset', { ProjectName, DatasetName });
      const indexed = await client.call('BatchIndexFileMeta', {
        ProjectName,
        DatasetName,
        Files: photos.map((p) => ({ URI: `oss://photos/${p.key}` })),
      });
      expect(indexed.TaskId).toEqual(expect.any(String));
      await stack.waitForQueuesDrained();
      const clustering = await client.call('CreateFigureClusteringTask', { ProjectName, DatasetName });
      expect(clustering.TaskId).toMatch(/^CreateFigureClusteringTask-/);
      await stack.waitForQueuesDrained();
      const task = await client.call('GetTask', {
        ProjectName,
        TaskType: 'FaceClustering',
        TaskId: clustering.TaskId,
      });
      expect({ client: client.name, status: task.Status }).toEqual({ client: client.name, status: 'Succeeded' });
      const clusters = await client.call('QueryFigureClusters', { ProjectName, DatasetName, MaxResults: 100 });
      expect({ client: client.name, clusters: clusters.FigureClusters.length, total: clusters.TotalCount }).toEqual({
        client: client.name,
        clusters: people.length,
        total: people.length,
      });
      const cluster = clusters.FigureClusters[0];
      expect(cluster).toMatchObject({
        OwnerId: expect.any(String),
        CreateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/),
        Cover: {
          ObjectId: expect.any(String),
          URI: expect.stringMatching(/^oss:\/\/photos\/bbt\//),
          ImageWidth: expect.any(Number),
          ImageHeight: expect.any(Number),
          Figures: [expect.objectContaining({ FigureClusterId: cluster.ObjectId })],
        },
      });
      const found = await client.call('SimpleQuery', {
        ProjectName,
        DatasetName,
        Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: cluster.ObjectId },
        MaxResults: 100,
      });
      expect(found.Files).toHaveLength(3);
      expect(found.Aggregations).toEqual([]);
      const meta = await client.call('GetFileMeta', { ProjectName, DatasetName, URI: found.Files[0].URI });
      expect(meta.File.Figures.map((f: Body) => f.FigureClusterId)).toContain(cluster.ObjectId);
      expect(meta.Files).toEqual([meta.File]);
      expect(meta.File.ETag).toMatch(/^".+"$/);
    }
  });

  it('passes 100 files in the query string (SDK shrink form)', async () => {
    const client = openApiClient(endpoint, all);
    await sdkCall(client, 'CreateDataset', { ProjectName: 'proj-a', DatasetName: 'hundred' });
    const Files = Array.from({ length: 100 }, (_, i) => ({
      URI: `oss://photos/a-fairly-long-folder-name/and-a-sub-folder/photo-number-${String(i).padStart(4, '0')}.jpg`,
    }));
    const body = await sdkCall(client, 'BatchIndexFileMeta', { ProjectName: 'proj-a', DatasetName: 'hundred', Files });
    expect(body.TaskId).toEqual(expect.any(String));
    const { rows } = await stack.db.query(
      `SELECT count(*)::int AS n FROM files f JOIN datasets d ON d.id = f.dataset_id WHERE d.name = 'hundred'`,
    );
    expect(rows[0].n).toBe(100);
  });

  describe('refusals (each with Alibaba Cloud code and status, nothing changed)', () => {
    const datasetsOf = async (project: string): Promise<string[]> =>
      ((await operator('ListDatasets', { ProjectName: project }).expect(200)).body.Datasets as Body[]).map(
        (d) => d.DatasetName,
      );

    it('a wrong secret: SignatureDoesNotMatch 400, with every client', async () => {
      const wrong = { ...all, AccessKeySecret: `${all.AccessKeySecret}x` };
      const create = { ProjectName: 'proj-a', DatasetName: 'never' };
      expect(await refusal(sdkCall(openApiClient(endpoint, wrong), 'CreateDataset', create))).toEqual({
        code: 'SignatureDoesNotMatch',
        status: 400,
      });
      expect(await refusal(sdkCall(openApiClient(endpoint, wrong, 'v2'), 'CreateDataset', create))).toEqual({
        code: 'SignatureDoesNotMatch',
        status: 400,
      });
      const pop = await refusal(popClient(`http://${endpoint}`, wrong).request('CreateDataset', create, POP_TIMEOUT));
      expect(pop.code).toBe('SignatureDoesNotMatch');
      expect(await datasetsOf('proj-a')).not.toContain('never');
    });

    it('an unknown AccessKeyId: InvalidAccessKeyId.NotFound 404', async () => {
      const unknown = { AccessKeyId: 'FCUNKNOWNUNKNOWNUNKNOWN0', AccessKeySecret: 'x'.repeat(30) };
      expect(await refusal(sdkCall(openApiClient(endpoint, unknown), 'ListProjects', {}))).toEqual({
        code: 'InvalidAccessKeyId.NotFound',
        status: 404,
      });
    });

    it('a timestamp 16 minutes old: InvalidTimeStamp.Expired 400 (ACS3 and HMAC-SHA1)', async () => {
      const old = new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const create = { ProjectName: 'proj-a', DatasetName: 'stale' };
      expect(
        await refusal(
          sdkCall(openApiClient(endpoint, all), 'CreateDataset', create, { headers: { 'x-acs-date': old } }),
        ),
      ).toEqual({ code: 'InvalidTimeStamp.Expired', status: 400 });
      expect(
        await refusal(
          sdkCall(openApiClient(endpoint, all, 'v2'), 'CreateDataset', create, { query: { Timestamp: old } }),
        ),
      ).toEqual({ code: 'InvalidTimeStamp.Expired', status: 400 });
      const pop = await refusal(
        popClient(`http://${endpoint}`, all).request('CreateDataset', { ...create, Timestamp: old }, POP_TIMEOUT),
      );
      expect(pop.code).toBe('InvalidTimeStamp.Expired');
      expect(await datasetsOf('proj-a')).not.toContain('stale');
    });

    it('a nonce used twice: SignatureNonceUsed 400, the first request alone took effect', async () => {
      const nonce = `replay-${Date.now()}`;
      const client = openApiClient(endpoint, all);
      await sdkCall(
        client,
        'CreateDataset',
        { ProjectName: 'proj-a', DatasetName: 'once' },
        {
          headers: { 'x-acs-signature-nonce': nonce },
        },
      );
      expect(
        await refusal(
          sdkCall(
            client,
            'CreateDataset',
            { ProjectName: 'proj-a', DatasetName: 'twice' },
            {
              headers: { 'x-acs-signature-nonce': nonce },
            },
          ),
        ),
      ).toEqual({ code: 'SignatureNonceUsed', status: 400 });
      const v1Nonce = `${nonce}-v1`;
      await popClient(`http://${endpoint}`, all).request(
        'GetProject',
        {
          ProjectName: 'proj-a',
          SignatureNonce: v1Nonce,
        },
        POP_TIMEOUT,
      );
      const pop = await refusal(
        popClient(`http://${endpoint}`, all).request(
          'CreateDataset',
          {
            ProjectName: 'proj-a',
            DatasetName: 'twice',
            SignatureNonce: v1Nonce,
          },
          POP_TIMEOUT,
        ),
      );
      expect(pop.code).toBe('SignatureNonceUsed');
      const datasets = await datasetsOf('proj-a');
      expect(datasets).toContain('once');
      expect(datasets).not.toContain('twice');
    });

    it('a key of project A sees project B as missing, and lists only A', async () => {
      const client = openApiClient(endpoint, onlyA);
      expect(await refusal(sdkCall(client, 'GetProject', { ProjectName: 'proj-b' }))).toEqual({
        code: 'ResourceNotFound',
        status: 404,
      });
      expect(await refusal(sdkCall(client, 'GetProject', { ProjectName: 'no-such-project' }))).toEqual({
        code: 'ResourceNotFound',
        status: 404,
      });
      expect(
        await refusal(sdkCall(client, 'QueryFigureClusters', { ProjectName: 'proj-b', DatasetName: 'secret' })),
      ).toEqual({ code: 'ResourceNotFound', status: 404 });
      expect(await refusal(sdkCall(client, 'DeleteDataset', { ProjectName: 'proj-b', DatasetName: 'secret' }))).toEqual(
        {
          code: 'ResourceNotFound',
          status: 404,
        },
      );
      expect(await refusal(sdkCall(client, 'CreateAccessKey', {}))).toEqual({ code: 'Forbidden.RAM', status: 403 });
      const listed = await sdkCall(client, 'ListProjects', {});
      expect(listed.Projects.map((p: Body) => p.ProjectName)).toEqual(['proj-a']);
      expect((await sdkCall(client, 'GetProject', { ProjectName: 'proj-a' })).Project.ProjectName).toBe('proj-a');
      expect(await datasetsOf('proj-b')).toEqual(['secret']);
    });

    it('a revoked key: InvalidAccessKeyId.Inactive 400 from the next request on', async () => {
      const doomed: Pair = (await operator('CreateAccessKey', {}).expect(200)).body.AccessKey;
      const client = openApiClient(endpoint, doomed);
      await sdkCall(client, 'ListProjects', {});
      await operator('RevokeAccessKey', { AccessKeyId: doomed.AccessKeyId }).expect(200);
      expect(
        await refusal(sdkCall(client, 'CreateDataset', { ProjectName: 'proj-a', DatasetName: 'revoked' })),
      ).toEqual({ code: 'InvalidAccessKeyId.Inactive', status: 400 });
      expect(await datasetsOf('proj-a')).not.toContain('revoked');
      const listed = (await operator('ListAccessKeys').expect(200)).body.AccessKeys as Body[];
      expect(listed.find((k) => k.AccessKeyId === doomed.AccessKeyId)?.Status).toBe('Revoked');
    });

    it('the RPC endpoint requires Version 2020-09-30', async () => {
      const res = await stack.http.get('/?Action=ListProjects&Version=2017-09-06').set('x-api-key', API_KEY);
      expect(res.status).toBe(400);
      expect(res.body.Code).toBe('InvalidVersion');
      const missing = await stack.http.get('/?Action=ListProjects').set('x-api-key', API_KEY);
      expect(missing.body.Code).toBe('MissingVersion');
      const ok = await stack.http
        .get(`/?Action=ListProjects&Version=${VERSION}&MaxResults=2`)
        .set('x-api-key', API_KEY);
      expect(ok.status).toBe(200);
      expect(ok.body.Projects).toHaveLength(2);
    });
  });
});
