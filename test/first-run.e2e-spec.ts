/**
 * `npm start` on a machine with nothing running: no PostgreSQL (the embedded one starts), no Redis (a
 * redis-server from the PATH starts), the embedded S3 store; every port is a free one and every data folder a
 * temporary one. Then the README's workflow through the started stack: CreateProject, CreateDataset, upload real
 * photos, IndexFileMeta, the debounced clustering run, QueryFigureClusters. And without redis-server on the PATH
 * (and nothing on REDIS_URL), `npm start` stops with one message saying how to install it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { StorageRepository } from '@app/storage';
import { waitFor } from '@app/testing';
import { bbtDir, bbtPhotos } from './support/fixtures';

// Three apps compiled by ts-node and the ONNX models: about a minute on an idle 2-core machine, several on a
// loaded one.
jest.setTimeout(600_000);

const root = resolve(__dirname, '..');
const photosAvailable = bbtDir() !== null;
const itWithPhotos = photosAvailable ? it : it.skip;
if (!photosAvailable) {
  console.warn(
    'first-run.e2e-spec: workflow skipped, the labelled photos (../shared/datasets/misc/bbt-labelled) are absent',
  );
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface Launched {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** Runs scripts/start.ts as `npm start` does, with exactly `env` (plus PATH unless given). */
function launch(env: Record<string, string>): Launched {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(root, 'scripts/start.ts')],
    {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => lines.push(line));
  }
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, lines, exited };
}

describe('npm start on a machine with nothing running', () => {
  const folder = mkdtempSync(join(tmpdir(), 'fc-first-run-'));
  // Under root, PostgreSQL runs as the `postgres` user, which must be able to enter the data folder's parents.
  chmodSync(folder, 0o755);
  let launched: Launched | undefined;

  // A failed case must not leave its stack running into the next one.
  afterEach(async () => {
    if (launched && launched.child.exitCode === null) {
      launched.child.kill('SIGTERM');
      await launched.exited;
    }
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  itWithPhotos('starts embedded PostgreSQL and redis-server and runs the README workflow end to end', async () => {
    const [pgPort, redisPort, gatewayPort, indexerPort, clustererPort, s3Port] = await Promise.all(
      Array.from({ length: 6 }, freePort),
    );
    launched = launch({
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      EMBEDDED_POSTGRES_DIR: join(folder, 'postgres'),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      EMBEDDED_REDIS_DIR: join(folder, 'redis'),
      EMBEDDED_S3_PORT: String(s3Port),
      EMBEDDED_S3_DIR: join(folder, 's3'),
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_HOST: '127.0.0.1',
      INDEXER_PORT: String(indexerPort),
      CLUSTERER_PORT: String(clustererPort),
      CLUSTER_DEBOUNCE_MS: '1500',
      INDEXER_ATTRIBUTES: 'pose',
    });
    const { lines } = launched;
    const banner = await waitFor(
      () => {
        if (launched!.child.exitCode !== null) throw new Error(`npm start exited:\n${lines.join('\n')}`);
        const line = lines.find((l) => l.includes('"facecluster is running"'));
        return line ? (JSON.parse(line) as Record<string, string>) : undefined;
      },
      'the banner of npm start',
      420_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${lines.slice(-40).join('\n')}`);
    });
    expect(banner['database']).toContain(`127.0.0.1:${pgPort}/facecluster (embedded PostgreSQL`);
    expect(banner['database']).toMatch(/^postgres:\/\/postgres:\*\*\*@/); // the generated password is not printed
    expect(banner['redis']).toBe(`redis://127.0.0.1:${redisPort} (redis-server started here)`);
    // Non-TTY output is JSON lines only, and Nest's route listing came through (it is hidden only when pretty).
    const output = lines.filter((l) => l.trim().length > 0);
    expect(output.every((l) => l.startsWith('{'))).toBe(true);

    const gw = `http://127.0.0.1:${gatewayPort}/api/v1`;
    const call = async (operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const res = await fetch(`${gw}/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${operation}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await call('CreateProject', { ProjectName: 'family' });
    await call('CreateDataset', { ProjectName: 'family', DatasetName: 'photos' });
    const storage = new StorageRepository({
      endpoint: `http://127.0.0.1:${s3Port}`,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
    });
    const people = ['amy', 'howard', 'penny'];
    const photos = bbtPhotos(people, [1, 2, 3, 4, 5]);
    for (const photo of photos) await storage.put('facecluster', photo.key, photo.body, 'image/png');
    const { TaskId } = await call('BatchIndexFileMeta', {
      ProjectName: 'family',
      DatasetName: 'photos',
      Files: photos.map((p) => ({ URI: `oss://facecluster/${p.key}` })),
    });
    const task = await waitFor(
      async () => {
        const t = await call('GetTask', { ProjectName: 'family', TaskType: 'IndexFileMeta', TaskId });
        return t['Status'] !== 'Running' ? t : undefined;
      },
      'the IndexFileMeta task',
      120_000,
      500,
    );
    expect(task['Status']).toBe('Succeeded');
    // The debounced run clusters the dataset by itself, CLUSTER_DEBOUNCE_MS after the last indexed file.
    const clusters = await waitFor(
      async () => {
        const body = await call('QueryFigureClusters', {
          ProjectName: 'family',
          DatasetName: 'photos',
          Sort: 'FaceCount',
          Order: 'desc',
          MaxResults: 10,
          WithTotalCount: true,
        });
        const list = body['FigureClusters'] as Array<{ ObjectId: string }>;
        return list.length >= people.length ? list : undefined;
      },
      'the clusters of the three people',
      60_000,
      500,
    );
    expect(clusters).toHaveLength(people.length);
    for (const cluster of clusters) {
      const { Files } = (await call('SimpleQuery', {
        ProjectName: 'family',
        DatasetName: 'photos',
        Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: cluster.ObjectId },
        MaxResults: 100,
      })) as { Files: Array<{ URI: string }> };
      const owners = new Set(Files.map((f) => f.URI.split('/')[4]));
      expect(owners.size).toBe(1);
    }

    // SIGTERM stops the apps, then Redis and PostgreSQL: every port is free again.
    launched.child.kill('SIGTERM');
    expect(await launched.exited).toBe(0);
    const { answers } = await import('../scripts/lib/local-services');
    for (const port of [pgPort, redisPort, gatewayPort, indexerPort, clustererPort, s3Port]) {
      expect(await answers('127.0.0.1', port)).toBe(false);
    }
  });

  it('without redis-server on the PATH, stops with one message naming how to install it', async () => {
    const emptyBin = mkdtempSync(join(folder, 'bin-'));
    const redisPort = await freePort();
    const run = launch({
      PATH: emptyBin,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      EMBEDDED_POSTGRES_DIR: join(folder, 'unused-postgres'),
    });
    const code = await run.exited;
    expect(code).toBe(1);
    const text = run.lines.join('\n');
    expect(text).toContain(`Nothing answers on REDIS_URL (redis://127.0.0.1:${redisPort})`);
    expect(text).toContain('apt-get install redis-server');
    expect(text).toContain('brew install redis');
    expect(text).toMatch(/docker run .* redis/);
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
  });
});
