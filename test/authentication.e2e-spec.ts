/**
 * Authentication cannot be bypassed: every route the gateway's Express router holds (enumerated from the router
 * itself, so a route added later is covered without editing this file) is tried in its own, upper, lower and
 * mixed case, with a trailing slash and percent-encoded, without and with the key. Only the allow-list (health)
 * answers without a key, and nothing the unauthenticated requests tried changed any state.
 */
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { connectToSchema } from '@app/testing';
import { GatewayHarness, startGateway } from './gateway-harness';

// ~50 routes x 8 forms x 2: generous for a loaded 2-core machine.
jest.setTimeout(600_000);

const KEY = 'auth-walk-key-0123456789';

interface RouteLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
}

/**
 * Every path (with its methods) in the Express router: routes, and mounted routers such as bull-board. CONNECT
 * (of catch-all routes) is left out: an HTTP client cannot send it to a path.
 */
function registeredRoutes(app: INestApplication): Array<{ method: string; path: string }> {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  const routes: Array<{ method: string; path: string }> = [];
  for (const layer of express.router.stack) {
    if (layer.route && typeof layer.route.path === 'string') {
      for (const method of Object.keys(layer.route.methods)) {
        if (method !== '_all' && method !== 'connect') routes.push({ method, path: layer.route.path });
      }
    } else if (typeof layer.rawPath === 'string' && layer.rawPath !== '/') {
      routes.push({ method: 'get', path: layer.rawPath });
    }
  }
  return routes;
}

/** A concrete path for a route pattern: parameters and wildcards get a value. */
function concrete(pattern: string): string {
  return pattern.replace(/\{\/?\*\w+\}|\*\w+/g, 'x').replace(/:\w+/g, '1');
}

function mixedCase(path: string): string {
  return [...path].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** Percent-encodes the first letter of every segment (`/api/v1/CreateProject` → `/%61pi/%761/%43reateProject`). */
function encoded(path: string): string {
  return path.replace(/\/([A-Za-z])/g, (_, c: string) => `/%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Upper, lower and mixed case, percent-encoded, with a trailing slash and with doubled slashes. */
function variants(path: string): string[] {
  const upper = path.toUpperCase();
  return [
    ...new Set([path, upper, path.toLowerCase(), mixedCase(path), encoded(path), `${path}/`, `${upper}/`, `/${path}`]),
  ];
}

function send(server: unknown, method: string, path: string): request.Test {
  return (request(server as Parameters<typeof request>[0]) as unknown as Record<string, (p: string) => request.Test>)[
    method
  ](path);
}

/** Runs the checks eight at a time; the non-null answers (the failures) in order. */
async function inBatches<T>(items: T[], check: (item: T) => Promise<string | null>): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < items.length; i += 8) {
    const answers = await Promise.all(
      items
        .slice(i, i + 8)
        .map((item) => check(item).catch((error: Error) => `${JSON.stringify(item)}: ${error.message}`)),
    );
    failures.push(...answers.filter((a): a is string => a !== null));
  }
  return failures;
}

const isPublic = (path: string): boolean => /^\/health\/(live|ready)$/.test(path);
/** Routes that carry a credential of their own (an event's thumbnail link token) instead of the API's. */
const ownCredential = (pattern: string): boolean => pattern.startsWith('/face-events/');

describe('authentication: every registered route, with API_KEY set', () => {
  let gw: GatewayHarness;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    // Both credentials on, as a deployment with AccessKeys runs (the AccessKey operations need the second).
    gw = await startGateway('authwalk', { API_KEY: KEY, ACCESS_KEY_ENCRYPTION_KEY: 'b2'.repeat(32) });
    routes = registeredRoutes(gw.app);
  });
  afterAll(async () => gw?.close());

  it('finds the routes of every module in the router', () => {
    const paths = routes.map((r) => r.path);
    for (const expected of [
      '/api/v1/CreateProject',
      '/api/v1/events/storage',
      '/dashboard',
      '/admin/queues',
      '/api/docs',
      '/api/docs-json',
      '/metrics',
      '/health/live',
    ]) {
      expect(paths.some((p) => p === expected || p.startsWith(`${expected}/`))).toBe(true);
    }
    expect(routes.length).toBeGreaterThan(40);
  });

  it('refuses every non-public route in every case, slash and encoding form without a key', async () => {
    const server = gw.app.getHttpServer();
    const tries = routes
      .filter(({ path }) => !isPublic(concrete(path)) && !ownCredential(path))
      .flatMap(({ method, path }) => variants(concrete(path)).map((form) => ({ method, form })));
    const admitted = await inBatches(tries, async ({ method, form }) => {
      const req = send(server, method, form);
      const res = await (method === 'head' ? req : req.send({ ProjectName: 'walk', DatasetName: 'walk', Records: [] }));
      return res.status === 401 ? null : `${method.toUpperCase()} ${form} -> ${res.status}`;
    });
    expect(admitted).toEqual([]);
    // Nothing the refused requests asked for happened.
    const db = await connectToSchema(gw.db);
    try {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM projects');
      expect(rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('admits every route with the key, in every form', async () => {
    const server = gw.app.getHttpServer();
    const tries = routes
      .filter(({ path }) => !ownCredential(path))
      .flatMap(({ method, path }) => variants(concrete(path)).map((form) => ({ method, form })));
    const refused = await inBatches(tries, async ({ method, form }) => {
      const req = send(server, method, form).set('x-api-key', KEY);
      const res = await (method === 'head' ? req : req.send({}));
      return res.status === 401 || res.status === 403 ? `${method.toUpperCase()} ${form} -> ${res.status}` : null;
    });
    expect(refused).toEqual([]);
  });

  it("lets an event's thumbnail link through on its own token only, and nothing else under that prefix", async () => {
    const server = gw.app.getHttpServer();
    const unknownEvent = '/face-events/00000000-0000-4000-8000-000000000000/thumbnail.jpg?token=guess';
    // The gate lets it through; the face-event controller refuses the token (and tells nothing about the event).
    const res = await request(server).get(unknownEvent).expect(401);
    expect(res.body.Message).toBe('The link is not valid.');
    await request(server)
      .get('/face-events/00000000-0000-4000-8000-000000000000/../../api/v1/ListProjects')
      .expect(401);
    await request(server).post('/face-events/x/thumbnail.jpg/../../../api/v1/CreateProject').send({}).expect(401);
    await request(server).get('/face-events/not-a-uuid/thumbnail.jpg').expect(401);
  });

  it('answers the health probes without a key, in any case', async () => {
    const server = gw.app.getHttpServer();
    await request(server).get('/health/live').expect(200);
    await request(server).get('/HEALTH/Live/').expect(200);
  });

  it('a wrong key, or the key in a query string where only the webhook takes one, is refused', async () => {
    await gw.call('ListProjects').set('x-api-key', `${KEY}x`).expect(401);
    // The RPC endpoint at / (middleware, not a route) is behind the same gate.
    const rpc = '/?Action=ListProjects&Version=2020-09-30';
    await request(gw.app.getHttpServer()).get(rpc).expect(401);
    await request(gw.app.getHttpServer())
      .post('/')
      .type('form')
      .send('Action=CreateProject&Version=2020-09-30&ProjectName=x')
      .expect(401);
    await request(gw.app.getHttpServer()).get(rpc).set('x-api-key', KEY).expect(200);
    await gw.post(`/api/v1/ListProjects?token=${KEY}`).expect(401);
    await gw.post(`/API/V1/EVENTS/STORAGE?token=${KEY}`, { Records: [] }).expect(200);
    await request(gw.app.getHttpServer()).get(`/api/docs-json?key=${KEY}`).expect(401);
    const docs = await request(gw.app.getHttpServer()).get('/api/docs-json').auth('any', KEY).expect(200);
    expect(docs.body.openapi).toBeDefined();
  });
});

describe('authentication: METRICS_PUBLIC', () => {
  let gw: GatewayHarness;
  beforeAll(async () => {
    gw = await startGateway('authmetrics', { API_KEY: KEY, METRICS_PUBLIC: 'true' });
  });
  afterAll(async () => gw?.close());

  it('opens /metrics alone', async () => {
    const server = gw.app.getHttpServer();
    await request(server).get('/metrics').expect(200);
    await request(server).get('/METRICS/').expect(200);
    await request(server).get('/metrics/../api/v1/ListProjects').expect(401);
    await request(server).post('/api/v1/ListProjects').send({}).expect(401);
  });
});
