import { connectToSchema, waitFor } from '@app/testing';
import { Client } from 'pg';
import { GatewayHarness, startGateway } from './gateway-harness';

/** What the API answers while PostgreSQL is slow or drops its connections: 503 ServiceUnavailable, never 500. */
describe('gateway during a database outage', () => {
  let gw: GatewayHarness;
  let admin: Client;

  beforeAll(async () => {
    gw = await startGateway('unavail', { DATABASE_STATEMENT_TIMEOUT_MS: '300' });
    admin = await connectToSchema(gw.db);
    await gw.call('CreateProject', { ProjectName: 'p' }).expect(200);
  });
  afterAll(async () => {
    await admin?.end();
    await gw?.close();
  });

  it('cancels a statement after DATABASE_STATEMENT_TIMEOUT_MS with 503 ServiceUnavailable', async () => {
    // Another session holds the table: the API's query waits on the lock until its statement timeout.
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE projects IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      const res = await gw.call('ListProjects', {});
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        RequestId: expect.any(String),
        Code: 'ServiceUnavailable',
        Message: expect.any(String),
      });
      expect(res.body.Message).toContain('DATABASE_STATEMENT_TIMEOUT_MS');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await admin.query('ROLLBACK');
    }
    await gw.call('ListProjects', {}).expect(200);
  });

  it('answers 503 when the server drops its connection mid-query, and recovers on the next request', async () => {
    // The request waits on a lock; then its backend is terminated as a restarting PostgreSQL would (57P01).
    // Only that one backend: it is found by the lock it waits on, held by this test's own session.
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE projects IN ACCESS EXCLUSIVE MODE');
    try {
      const pending = gw.call('GetProject', { ProjectName: 'p' }).then((res) => res);
      const blocked = await waitFor(async () => {
        const { rows } = await admin.query('SELECT pid FROM pg_locks WHERE NOT granted AND relation = $1::regclass', [
          'projects',
        ]);
        return rows.length === 1 ? (rows[0].pid as number) : null;
      }, 'the request to wait on the lock');
      await admin.query('SELECT pg_terminate_backend($1)', [blocked]);
      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        RequestId: expect.any(String),
        Code: 'ServiceUnavailable',
        Message: expect.any(String),
      });
    } finally {
      await admin.query('ROLLBACK');
    }
    await gw.call('GetProject', { ProjectName: 'p' }).expect(200); // a new connection
  });
});
