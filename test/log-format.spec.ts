import { createLineFormatter } from '../scripts/lib/log-format';

const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 11, 3, 14, 5, 9),
    pid: 1,
    hostname: 'h',
    app: 'gateway',
    ...fields,
  });

describe('npm start log lines', () => {
  it('json: every line unchanged', () => {
    const format = createLineFormatter('json', false);
    const route = line({ context: 'RouterExplorer', msg: 'Mapped {/api/v1/CreateProject, POST} route' });
    expect(format(route)).toBe(route);
    expect(format('plain text')).toBe('plain text');
  });

  it("pretty: one short line per entry, without Nest's start-up listing", () => {
    const format = createLineFormatter('pretty', false);
    expect(format(line({ context: 'RouterExplorer', msg: 'Mapped {/api/v1/CreateProject, POST} route' }))).toBe(
      undefined,
    );
    expect(format(line({ context: 'InstanceLoader', msg: 'GatewayModule dependencies initialized' }))).toBe(undefined);
    const ready = format(line({ context: 'Gateway', msg: 'Listening on http://0.0.0.0:3000' }))!;
    expect(ready).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Gateway: Listening on http:\/\/0\.0\.0\.0:3000$/);
    const request = format(
      line({ req: { method: 'POST', url: '/api/v1/CreateProject' }, res: { statusCode: 200 }, responseTime: 12 }),
    )!;
    expect(request).toMatch(/INFO: POST \/api\/v1\/CreateProject 200 12 ms$/);
    // Warnings of a start-up context still show, with their extra fields on the same line.
    const warning = format(line({ level: 40, context: 'NestApplication', msg: 'slow start', ms: 900 }))!;
    expect(warning).toMatch(/WARN: NestApplication: slow start .*ms.*900/);
    expect(warning).not.toContain('\n');
    expect(format('    at stack frame')).toBe('    at stack frame');
  });
});
