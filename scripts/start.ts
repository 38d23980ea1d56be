/**
 * `npm start`: the whole stack on one machine. With an empty S3_ENDPOINT it runs the embedded S3 server
 * (s3rver) on EMBEDDED_S3_PORT; it migrates the database, then runs the gateway, indexer and clusterer as child
 * processes with prefixed output, and stops everything on Ctrl-C / SIGTERM (or when one app dies).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { clustererEnvSchema, databaseOptions, gatewayEnvSchema, indexerEnvSchema, loadConfigOrExit } from '@app/config';
import { runMigrations } from '@app/database';
import { EMBEDDED_S3_CREDENTIALS, EmbeddedS3Server } from '@app/storage';

const root = resolve(__dirname, '..');
const colours: Record<string, string> = {
  gateway: '\x1b[36m',
  indexer: '\x1b[35m',
  clusterer: '\x1b[33m',
  start: '\x1b[32m',
};
const reset = '\x1b[0m';
const tty = process.stdout.isTTY;

function say(name: string, line: string): void {
  const tag = `[${name}]`.padEnd(12);
  process.stdout.write(`${tty ? (colours[name] ?? '') : ''}${tag}${tty ? reset : ''} ${line}\n`);
}

interface App {
  name: 'gateway' | 'indexer' | 'clusterer';
  port: number;
  child?: ChildProcess;
}

async function main(): Promise<void> {
  const gateway = loadConfigOrExit(gatewayEnvSchema);
  const indexer = loadConfigOrExit(indexerEnvSchema);
  const clusterer = loadConfigOrExit(clustererEnvSchema);

  let s3: EmbeddedS3Server | undefined;
  let s3Endpoint = gateway.S3_ENDPOINT;
  let credentials = { accessKey: gateway.S3_ACCESS_KEY, secretKey: gateway.S3_SECRET_KEY };
  if (!s3Endpoint) {
    s3 = new EmbeddedS3Server({
      port: gateway.EMBEDDED_S3_PORT,
      directory: resolve(root, gateway.EMBEDDED_S3_DIR),
      buckets: [gateway.S3_DEFAULT_BUCKET],
    });
    s3Endpoint = (await s3.start()).endpoint;
    credentials = { ...EMBEDDED_S3_CREDENTIALS };
    say(
      'start',
      `embedded S3 server (s3rver) on ${s3Endpoint}, folder ${gateway.EMBEDDED_S3_DIR}, bucket ${gateway.S3_DEFAULT_BUCKET}`,
    );
  }

  const applied = await runMigrations(databaseOptions(gateway));
  say('start', applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  const apps: App[] = [
    { name: 'gateway', port: gateway.GATEWAY_PORT },
    { name: 'indexer', port: indexer.INDEXER_PORT },
    { name: 'clusterer', port: clusterer.CLUSTERER_PORT },
  ];
  // The children read the same environment; the S3 endpoint (and the embedded store's fixed keys) are passed on.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    S3_ENDPOINT: s3Endpoint,
    S3_ACCESS_KEY: credentials.accessKey,
    S3_SECRET_KEY: credentials.secretKey,
  };
  let stopping = false;

  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('start', 'stopping…');
    await Promise.all(apps.map((app) => terminate(app.child)));
    await s3?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  for (const app of apps) {
    const entry = resolve(root, `apps/${app.name}/src/main.ts`);
    if (!existsSync(entry)) {
      say('start', `apps/${app.name}/src/main.ts is missing: not started`);
      continue;
    }
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry],
      {
        cwd: root,
        env: { ...env, TS_NODE_PROJECT: resolve(root, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    app.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => say(app.name, line));
    }
    child.once('exit', (code, signal) => {
      if (stopping) return;
      say('start', `${app.name} exited (${signal ?? `code ${code}`}): stopping the stack`);
      void stop(code || 1);
    });
  }

  await waitForHealth(apps);
  const base = gateway.PUBLIC_BASE_URL || `http://127.0.0.1:${gateway.GATEWAY_PORT}`;
  const lines = [
    '',
    'facecluster is running:',
    `  API          ${base}/api/v1/<Operation>   (docs ${base}/api/docs)`,
    `  Dashboard    ${base}/dashboard${gateway.API_KEY ? '?key=<API_KEY>' : ''}`,
    `  Queues       ${base}/admin/queues`,
    `  Metrics      ${apps.map((a) => `http://127.0.0.1:${a.port}/metrics`).join('  ')}`,
    `  Health       ${apps.map((a) => `http://127.0.0.1:${a.port}/health/ready`).join('  ')}`,
    `  Object store ${s3Endpoint} (${s3 ? 'embedded s3rver' : 'external'}), bucket ${gateway.S3_DEFAULT_BUCKET}, access key ${credentials.accessKey}${s3 ? `, secret key ${credentials.secretKey}` : ''}`,
    `  Database     ${redactUrl(gateway.DATABASE_URL)} (schema ${gateway.DATABASE_SCHEMA}), Redis ${redactUrl(gateway.REDIS_URL)}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  for (const line of lines) say('start', line);
}

async function waitForHealth(apps: App[], timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(apps.filter((a) => a.child).map((a) => a.name));
  while (pending.size > 0 && Date.now() < deadline) {
    for (const app of apps) {
      if (!pending.has(app.name)) continue;
      const ok = await fetch(`http://127.0.0.1:${app.port}/health/ready`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) {
        pending.delete(app.name);
        say('start', `${app.name} is ready on :${app.port}`);
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  if (pending.size > 0) say('start', `still not ready after ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
}

function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

main().catch((error: unknown) => {
  process.stderr.write(`Start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
