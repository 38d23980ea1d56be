import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { pinoHttpOptions, redactUrl } from './logging';

describe('structured request logging', () => {
  it('writes one JSON line per request with the request id, and no secrets', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = pinoHttp(pinoHttpOptions('gateway', 'info'), sink);
    const server = createServer((req, res) => {
      log(req, res);
      req.log.info({ config: { S3_SECRET_KEY: 'hunter2', apiKey: 'k-123' } }, 'handled');
      res.end('ok');
    });
    const res = await request(server)
      .get('/dashboard?key=topsecret&sort=Name')
      .set('authorization', 'Bearer very-secret')
      .set('x-api-key', 'also-secret')
      .set('x-request-id', 'req-0123456789')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('req-0123456789');
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e['msg'])).toEqual(['handled', 'request completed']);
    for (const entry of entries) {
      expect(entry['requestId']).toBe('req-0123456789');
      expect(entry['app']).toBe('gateway');
    }
    const text = lines.join('\n');
    for (const secret of ['hunter2', 'k-123', 'very-secret', 'also-secret', 'topsecret'])
      expect(text).not.toContain(secret);
    expect(text).toContain('/dashboard?key=[Redacted]&sort=Name');
  });

  it('generates IMM-style ids for requests without a usable one', async () => {
    const log = pinoHttp(pinoHttpOptions('indexer', 'silent'));
    const server = createServer((req, res) => {
      log(req, res);
      res.end();
    });
    const res = await request(server).get('/metrics').set('x-request-id', 'bad id with spaces').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(redactUrl('/x?token=abc&a=1')).toBe('/x?token=[Redacted]&a=1');
  });
});
