import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebhookClient, WebhookRefusedError } from '../apps/gateway/src/gateway.app';

/** Real connections only to listeners this test starts on loopback; other ranges are unit tests of the policy. */
describe('WebhookClient against loopback listeners', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  let closedEarly = 0;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      hits.push(req.url ?? '');
      req.resume();
      switch (req.url ?? '') {
        case '/ok':
          res.writeHead(204).end();
          return;
        case '/redirect':
          res.writeHead(302, { location: `${base}/target` }).end();
          return;
        case '/slow':
          return; // never answers
        case '/huge': {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = Buffer.alloc(64 * 1024, 'x');
          let sent = 0;
          res.on('close', () => {
            if (sent < 1000) closedEarly++;
          });
          const pump = (): void => {
            while (sent < 1000 && res.write(chunk)) sent++;
            if (sent < 1000) res.once('drain', pump);
            else res.end();
          };
          pump();
          return;
        }
        default:
          res.writeHead(200).end('ok');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const client = (overrides: Partial<ConstructorParameters<typeof WebhookClient>[0]> = {}): WebhookClient =>
    new WebhookClient({
      WEBHOOK_ALLOW_HTTP: true,
      WEBHOOK_ALLOWED_NETWORKS: [],
      WEBHOOK_TIMEOUT_MS: 2_000,
      WEBHOOK_MAX_RESPONSE_BYTES: 64 * 1024,
      ...overrides,
    });
  const loopbackAllowed = { WEBHOOK_ALLOWED_NETWORKS: ['127.0.0.0/8', '::1/128'] };

  it('refuses plain http unless configured', async () => {
    await expect(client({ WEBHOOK_ALLOW_HTTP: false, ...loopbackAllowed }).post(`${base}/ok`, {})).rejects.toThrow(
      /only https/,
    );
    expect(hits).toEqual([]);
  });

  it('refuses a loopback address, literal or resolved from a name, without connecting', async () => {
    const port = (server.address() as AddressInfo).port;
    for (const endpoint of [`${base}/ok`, `http://localhost:${port}/ok`, `http://[::ffff:127.0.0.1]:${port}/ok`]) {
      const error = await client()
        .post(endpoint, {})
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookRefusedError);
      expect((error as Error).message).toMatch(/loopback/);
    }
    expect(hits).toEqual([]);
  });

  it('delivers to an allowed network, by address and by name', async () => {
    const port = (server.address() as AddressInfo).port;
    expect(await client(loopbackAllowed).post(`${base}/ok`, { a: 1 })).toBe(204);
    expect(await client(loopbackAllowed).post(`http://localhost:${port}/ok`, { a: 1 })).toBe(204);
    expect(hits).toEqual(['/ok', '/ok']);
  });

  it('does not follow redirects', async () => {
    await expect(client(loopbackAllowed).post(`${base}/redirect`, {})).rejects.toBeInstanceOf(WebhookRefusedError);
    expect(hits).toEqual(['/redirect']);
  });

  it('gives up on an endpoint that never answers after WEBHOOK_TIMEOUT_MS', async () => {
    const started = Date.now();
    const error = await client({ ...loopbackAllowed, WEBHOOK_TIMEOUT_MS: 300 })
      .post(`${base}/slow`, {})
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/did not answer within 300 ms/);
    expect(error).not.toBeInstanceOf(WebhookRefusedError); // a timeout is worth a retry
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reads at most WEBHOOK_MAX_RESPONSE_BYTES of a response', async () => {
    expect(await client({ ...loopbackAllowed, WEBHOOK_MAX_RESPONSE_BYTES: 1024 }).post(`${base}/huge`, {})).toBe(200);
    // The 64 MB answer was cut off: the server saw its connection close before it finished writing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closedEarly).toBe(1);
  });
});
