import request from 'supertest';
import { GatewayHarness, startGateway } from './gateway-harness';

jest.setTimeout(60_000);

describe('gateway bootstrap', () => {
  let gw: GatewayHarness;

  beforeAll(async () => {
    gw = await startGateway('gwboot', { BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => gw?.close());

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await request(gw.app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    const ui = await request(gw.app.getHttpServer()).get('/api/docs/').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers malformed JSON, huge bodies and unknown operations with IMM errors', async () => {
    const bad = await request(gw.app.getHttpServer())
      .post('/api/v1/ListProjects')
      .set('content-type', 'application/json')
      .send('{"ProjectName": ')
      .expect(400);
    expect(bad.body).toEqual({ RequestId: expect.any(String), Code: 'InvalidJSON', Message: expect.any(String) });
    const big = await gw.call('ListProjects', { Prefix: 'x'.repeat(5000) }).expect(413);
    expect(big.body.Code).toBe('PayloadTooLarge');
    const unknown = await gw.call('DropAllTables', {}).expect(404);
    expect(unknown.body.Code).toBe('OperationNotSupported');
    expect(unknown.body.Message).toContain('DropAllTables');
  });

  it('keeps a caller-supplied x-request-id as the RequestId, and makes one otherwise', async () => {
    const traced = await request(gw.app.getHttpServer())
      .post('/api/v1/ListProjects')
      .set('x-request-id', 'trace-0123456789')
      .send({})
      .expect(200);
    expect(traced.body.RequestId).toBe('trace-0123456789');
    expect(traced.headers['x-request-id']).toBe('trace-0123456789');
    const hostile = await request(gw.app.getHttpServer())
      .post('/api/v1/ListProjects')
      .set('x-request-id', "x' OR 1=1; --")
      .send({})
      .expect(200);
    expect(hostile.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(hostile.headers['x-request-id']).toBe(hostile.body.RequestId);
  });
});

describe('gateway with API_KEY', () => {
  let gw: GatewayHarness;
  const key = 'k'.repeat(24);

  beforeAll(async () => {
    gw = await startGateway('gwkey', { API_KEY: key });
  });
  afterAll(async () => gw?.close());

  it('requires the key on /api/v1/** (header or Bearer; ?token= only for the storage webhook)', async () => {
    const denied = await gw.call('ListProjects', {}).expect(401);
    expect(denied.body).toEqual({ RequestId: expect.any(String), Code: 'Unauthorized', Message: expect.any(String) });
    await gw.call('ListProjects', {}).set('x-api-key', 'wrong-key-wrong-key-wrong').expect(401);
    await gw.call('ListProjects', {}).set('x-api-key', key).expect(200);
    await gw.call('ListProjects', {}).set('authorization', `Bearer ${key}`).expect(200);
    await gw.post(`/api/v1/ListProjects?token=${key}`, {}).expect(401);
    await gw.post('/api/v1/events/storage', { Records: [] }).expect(401);
    await gw.post(`/api/v1/events/storage?token=${key}`, { Records: [] }).expect(200);
    // The docs follow the API's rule.
    await request(gw.app.getHttpServer()).get('/api/docs-json').expect(401);
    await request(gw.app.getHttpServer()).get('/api/docs-json').set('x-api-key', key).expect(200);
  });

  it('documents every IMM operation in OpenAPI', async () => {
    const doc = (await request(gw.app.getHttpServer()).get('/api/docs-json').set('x-api-key', key).expect(200)).body;
    const operations = Object.keys(doc.paths).map((p) => p.replace('/api/v1/', ''));
    for (const op of [
      'CreateProject',
      'GetProject',
      'ListProjects',
      'DeleteProject',
      'CreateDataset',
      'GetDataset',
      'ListDatasets',
      'UpdateDataset',
      'DeleteDataset',
      'IndexFileMeta',
      'BatchIndexFileMeta',
      'GetFileMeta',
      'BatchGetFileMeta',
      'DeleteFileMeta',
      'BatchDeleteFileMeta',
      'CreateBinding',
      'GetBinding',
      'ListBindings',
      'DeleteBinding',
      'CreateFigureClusteringTask',
      'QueryFigureClusters',
      'GetFigureCluster',
      'BatchGetFigureCluster',
      'UpdateFigureCluster',
      'SimpleQuery',
      'GetTask',
      'ListTasks',
      'events/storage',
    ]) {
      expect(operations).toContain(op);
    }
    const body = doc.paths['/api/v1/IndexFileMeta'].post.requestBody.content['application/json'].schema;
    expect(body.properties.File.properties.URI).toBeDefined();
    expect(body.required).toEqual(expect.arrayContaining(['ProjectName', 'DatasetName', 'File']));
  });
});
