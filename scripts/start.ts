/**
 * `npm start`: the whole stack on one machine. When DATABASE_URL is unset and nothing answers on
 * 127.0.0.1:EMBEDDED_POSTGRES_PORT it starts the embedded PostgreSQL (data in EMBEDDED_POSTGRES_DIR); when nothing
 * answers on REDIS_URL (a loopback address) it starts `redis-server` from the PATH (data in EMBEDDED_REDIS_DIR);
 * with an empty S3_ENDPOINT it runs the embedded S3 server (s3rver) on EMBEDDED_S3_PORT. It migrates the database,
 * runs the gateway, indexer and clusterer as child processes, prints the addresses once, then the apps' logs
 * (one short line each on a terminal, JSON lines otherwise or with LOG_FORMAT=json), and on Ctrl-C / SIGTERM (or
 * when one app dies) stops the apps first, then what it started.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  clustererEnvSchema,
  databaseOptions,
  gatewayEnvSchema,
  indexerEnvSchema,
  LauncherConfig,
  launcherEnvSchema,
  loadConfigOrExit,
} from '@app/config';
import { runMigrations } from '@app/database';
import { EMBEDDED_S3_CREDENTIALS, EmbeddedS3Server } from '@app/storage';
import pino from 'pino';
import { createLineFormatter, LogFormat } from './lib/log-format';
import {
  answers,
  isLoopback,
  LocalService,
  LocalServiceError,
  startEmbeddedPostgres,
  startRedisServer,
  terminate,
} from './lib/local-services';

const root = resolve(__dirname, '..');
const colours: Record<string, string> = {
  gateway: '\x1b[36m',
  indexer: '\x1b[35m',
  clusterer: '\x1b[33m',
  start: '\x1b[32m',
};
const reset = '\x1b[0m';
const tty = process.stdout.isTTY === true;

/** The launcher's own lines: `[start] text` on a terminal, pino JSON lines (app "start") otherwise. */
class Output {
  private readonly json?: pino.Logger;
  readonly formatLine: (line: string) => string | undefined;

  constructor(readonly format: LogFormat) {
    if (format === 'json') this.json = pino({ base: { app: 'start' }, messageKey: 'msg' });
    this.formatLine = createLineFormatter(format, tty);
  }

  say(line: string, fields: Record<string, unknown> = {}): void {
    if (this.json) this.json.info(fields, line);
    else this.tagged('start', line);
  }

  /** One line of an app's output. */
  app(name: string, line: string): void {
    const text = this.formatLine(line);
    if (text === undefined) return;
    if (this.json) process.stdout.write(`${text}\n`);
    else this.tagged(name, text);
  }

  private tagged(name: string, line: string): void {
    const tag = `[${name}]`.padEnd(12);
    process.stdout.write(`${tty ? (colours[name] ?? '') : ''}${tag}${tty ? reset : ''} ${line}\n`);
  }
}

interface App {
  name: 'gateway' | 'indexer' | 'clusterer';
  port: number;
  child?: ChildProcess;
}

/** DATABASE_URL as given; unset: PostgreSQL on the local port if it answers, else the embedded one started there. */
async function resolveDatabase(
  launcher: LauncherConfig,
  started: LocalService[],
  out: Output,
): Promise<{ url: string; embedded: boolean }> {
  if (launcher.DATABASE_URL) return { url: launcher.DATABASE_URL, embedded: false };
  const port = launcher.EMBEDDED_POSTGRES_PORT;
  if (await answers('127.0.0.1', port)) {
    return { url: `postgres://postgres@127.0.0.1:${port}/facecluster`, embedded: false };
  }
  const began = Date.now();
  const service = await startEmbeddedPostgres({
    root,
    dir: launcher.EMBEDDED_POSTGRES_DIR,
    port,
    database: 'facecluster',
  });
  started.push(service);
  out.say(
    `embedded PostgreSQL on 127.0.0.1:${port}, data in ${launcher.EMBEDDED_POSTGRES_DIR} (${Date.now() - began} ms)`,
  );
  return { url: service.url, embedded: true };
}

/** REDIS_URL when it answers; a local address with nothing there: redis-server from the PATH, started there. */
async function resolveRedis(
  launcher: LauncherConfig,
  started: LocalService[],
  out: Output,
): Promise<{ url: string; started: boolean }> {
  const url = new URL(launcher.REDIS_URL);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : 6379;
  if ((await answers(host, port)) || !isLoopback(host)) return { url: launcher.REDIS_URL, started: false };
  const service = await startRedisServer({ root, dir: launcher.EMBEDDED_REDIS_DIR, url: launcher.REDIS_URL });
  started.push(service);
  out.say(`redis-server on ${host}:${port}, append-only data in ${launcher.EMBEDDED_REDIS_DIR}`);
  return { url: service.url, started: true };
}

async function main(): Promise<void> {
  const launcher = loadConfigOrExit(launcherEnvSchema);
  const out = new Output(launcher.LOG_FORMAT ?? (tty ? 'pretty' : 'json'));
  // Started here, stopped after the apps in reverse order (Redis before PostgreSQL).
  const started: LocalService[] = [];
  const apps: App[] = [];
  let s3: EmbeddedS3Server | undefined;
  let stopping = false;

  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    out.say('stopping…');
    await Promise.all(apps.map((app) => terminate(app.child)));
    await s3?.stop().catch(() => undefined);
    for (const service of [...started].reverse()) await service.stop().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  let database: { url: string; embedded: boolean };
  let redis: { url: string; started: boolean };
  try {
    // Redis first: a missing redis-server is reported before PostgreSQL spends seconds initialising.
    redis = await resolveRedis(launcher, started, out);
    database = await resolveDatabase(launcher, started, out);
  } catch (error) {
    for (const service of [...started].reverse()) await service.stop().catch(() => undefined);
    throw error;
  }
  const resolved: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, REDIS_URL: redis.url };
  const gateway = loadConfigOrExit(gatewayEnvSchema, resolved);
  const indexer = loadConfigOrExit(indexerEnvSchema, resolved);
  const clusterer = loadConfigOrExit(clustererEnvSchema, resolved);

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
    out.say(
      `embedded S3 server (s3rver) on ${s3Endpoint}, folder ${gateway.EMBEDDED_S3_DIR}, bucket ${gateway.S3_DEFAULT_BUCKET}`,
    );
  }

  const applied = await runMigrations(databaseOptions(gateway));
  out.say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  apps.push(
    { name: 'gateway', port: gateway.GATEWAY_PORT },
    { name: 'indexer', port: indexer.INDEXER_PORT },
    { name: 'clusterer', port: clusterer.CLUSTERER_PORT },
  );
  // The children read the same environment, with the database and Redis found or started here, the S3 endpoint
  // (and the embedded store's fixed keys).
  const env: NodeJS.ProcessEnv = {
    ...resolved,
    S3_ENDPOINT: s3Endpoint,
    S3_ACCESS_KEY: credentials.accessKey,
    S3_SECRET_KEY: credentials.secretKey,
  };

  for (const app of apps) {
    const entry = resolve(root, `apps/${app.name}/src/main.ts`);
    if (!existsSync(entry)) {
      out.say(`apps/${app.name}/src/main.ts is missing: not started`);
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
      createInterface({ input: stream }).on('line', (line) => out.app(app.name, line));
    }
    child.once('exit', (code, signal) => {
      if (stopping) return;
      out.say(`${app.name} exited (${signal ?? `code ${code}`}): stopping the stack`);
      void stop(code || 1);
    });
  }

  await waitForHealth(apps, out);
  const base = gateway.PUBLIC_BASE_URL || `http://127.0.0.1:${gateway.GATEWAY_PORT}`;
  const addresses = {
    api: `${base}/api/v1/<Operation>`,
    docs: `${base}/api/docs`,
    dashboard: `${base}/dashboard${gateway.API_KEY ? '?key=<API_KEY>' : ''}`,
    queues: `${base}/admin/queues`,
    metrics: apps.map((a) => `http://127.0.0.1:${a.port}/metrics`),
    health: apps.map((a) => `http://127.0.0.1:${a.port}/health/ready`),
    objectStore: `${s3Endpoint} (${s3 ? 'embedded s3rver' : 'external'}), bucket ${gateway.S3_DEFAULT_BUCKET}, access key ${credentials.accessKey}${s3 ? `, secret key ${credentials.secretKey}` : ''}`,
    database: `${redactUrl(gateway.DATABASE_URL)} (${database.embedded ? 'embedded PostgreSQL, ' : ''}schema ${gateway.DATABASE_SCHEMA})`,
    redis: `${redactUrl(gateway.REDIS_URL)}${redis.started ? ' (redis-server started here)' : ''}`,
  };
  if (out.format === 'json') {
    out.say('facecluster is running', addresses);
    return;
  }
  const lines = [
    '',
    'facecluster is running:',
    `  API          ${addresses.api}   (docs ${addresses.docs})`,
    `  Dashboard    ${addresses.dashboard}`,
    `  Queues       ${addresses.queues}`,
    `  Metrics      ${addresses.metrics.join('  ')}`,
    `  Health       ${addresses.health.join('  ')}`,
    `  Object store ${addresses.objectStore}`,
    `  Database     ${addresses.database}`,
    `  Redis        ${addresses.redis}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  for (const line of lines) out.say(line);
}

async function waitForHealth(apps: App[], out: Output, timeoutMs = 180_000): Promise<void> {
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
        out.say(`${app.name} is ready on :${app.port}`);
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  if (pending.size > 0) out.say(`still not ready after ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

main().catch((error: unknown) => {
  // A missing redis-server (or a data folder PostgreSQL cannot use) is a set-up step, not a crash: the message
  // says what to do, without a stack.
  if (error instanceof LocalServiceError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(`Start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
