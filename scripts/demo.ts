/**
 * `npm run demo -- <folder of photos> [--dataset <name>] [--exit]`
 * Starts the stack unless it already answers, uploads the folder into the object store, creates project
 * `demo` and a dataset, indexes the photos through the IMM API with a progress bar, runs clustering and prints
 * the people found. With --exit, a stack started by the demo is stopped at the end; otherwise it keeps running
 * so the dashboard can be opened (Ctrl-C stops it).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { clustererEnvSchema, gatewayEnvSchema, indexerEnvSchema, loadConfigOrExit, storageOptions } from '@app/config';
import { StorageRepository } from '@app/storage';
import { SingleBar } from 'cli-progress';

const root = resolve(__dirname, '..');
const contentTypes: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};
const PROJECT = 'demo';

interface Args {
  folder: string;
  dataset?: string;
  exit: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { folder: '', exit: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--exit') args.exit = true;
    else if (arg === '--dataset') args.dataset = argv[++i];
    else if (!args.folder) args.folder = arg;
  }
  if (!args.folder) {
    process.stderr.write('Usage: npm run demo -- <folder of photos> [--dataset <name>] [--exit]\n');
    process.exit(2);
  }
  return args;
}

function listImages(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && contentTypes[extname(entry.name).toLowerCase()]) out.push(path);
    }
  };
  walk(folder);
  return out;
}

class ImmClient {
  constructor(
    private readonly base: string,
    private readonly apiKey?: string,
  ) {}

  async call<T = Record<string, unknown>>(
    operation: string,
    body: Record<string, unknown>,
    okCodes: string[] = [],
  ): Promise<T> {
    const res = await fetch(`${this.base}/api/v1/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok && !okCodes.includes(String(json['Code']))) {
      throw new Error(`${operation} failed: ${res.status} ${String(json['Code'])}: ${String(json['Message'])}`);
    }
    return json as T;
  }
}

async function healthy(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) })
    .then((r) => r.ok)
    .catch(() => false);
}

async function until<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function ensureStack(ports: number[]): Promise<ChildProcess | undefined> {
  const urls = ports.map((p) => `http://127.0.0.1:${p}/health/ready`);
  if ((await Promise.all(urls.map(healthy))).every(Boolean)) {
    console.log('Stack already running.');
    return undefined;
  }
  mkdirSync(resolve(root, '.data'), { recursive: true });
  const logPath = resolve(root, '.data/demo-stack.log');
  console.log(`Starting the stack (npm start; output in ${relative(process.cwd(), logPath)})…`);
  const log = createWriteStream(logPath);
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(root, 'scripts/start.ts')],
    {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  await until(
    async () => {
      if (exited) {
        // The reason (a missing redis-server, a port in use) is in the last lines npm start wrote.
        await new Promise((r) => setTimeout(r, 300));
        const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-12).join('\n');
        throw new Error(`the stack exited during start-up (${logPath}):\n${tail}`);
      }
      return (await Promise.all(urls.map(healthy))).every(Boolean) ? true : undefined;
    },
    240_000,
    'the stack to become ready',
  );
  console.log('Stack ready.');
  return child;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfigOrExit(gatewayEnvSchema);
  const folder = resolve(args.folder);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${folder} is not a folder`);
  const images = listImages(folder);
  if (images.length === 0) throw new Error(`No image (${Object.keys(contentTypes).join(' ')}) under ${folder}`);
  const dataset = (args.dataset ?? basename(folder)).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 100) || 'photos';

  const ports = [
    config.GATEWAY_PORT,
    loadConfigOrExit(indexerEnvSchema).INDEXER_PORT,
    loadConfigOrExit(clustererEnvSchema).CLUSTERER_PORT,
  ];
  const stack = await ensureStack(ports);
  const stopStack = async (): Promise<void> => {
    if (!stack || stack.exitCode !== null) return;
    await new Promise<void>((done) => {
      stack.once('exit', () => done());
      stack.kill('SIGTERM');
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stopStack().then(() => process.exit(130)));

  try {
    const base = `http://127.0.0.1:${config.GATEWAY_PORT}`;
    const api = new ImmClient(base, config.API_KEY);
    const bucket = config.S3_DEFAULT_BUCKET;
    const prefix = `demo/${dataset}/`;

    // 1. Upload
    const storage = new StorageRepository(storageOptions(config));
    await storage.ensureBucket(bucket);
    const started = Date.now();
    let uploaded = 0;
    const queue = [...images];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let path = queue.shift(); path; path = queue.shift()) {
          const key = prefix + relative(folder, path).split('\\').join('/');
          await storage.put(bucket, key, readFileSync(path), contentTypes[extname(path).toLowerCase()]);
          uploaded++;
        }
      }),
    );
    console.log(
      `Uploaded ${uploaded} photos to s3://${bucket}/${prefix} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // 2. Project and a fresh dataset
    await api.call('CreateProject', { ProjectName: PROJECT }, ['ResourceAlreadyExists']);
    await api.call('DeleteDataset', { ProjectName: PROJECT, DatasetName: dataset }, ['ResourceNotFound']);
    await api.call('CreateDataset', { ProjectName: PROJECT, DatasetName: dataset });
    console.log(`Project "${PROJECT}", dataset "${dataset}" (recreated)`);

    // 3. Index with a progress bar
    const uris = images.map((path) => `oss://${bucket}/${prefix}${relative(folder, path).split('\\').join('/')}`);
    const indexStart = Date.now();
    for (let i = 0; i < uris.length; i += 100) {
      await api.call('BatchIndexFileMeta', {
        ProjectName: PROJECT,
        DatasetName: dataset,
        Files: uris.slice(i, i + 100).map((URI) => ({ URI })),
      });
    }
    const bar = new SingleBar({
      format: 'Indexing [{bar}] {value}/{total} files | {faces} faces | {rate} img/s | {failed} failed',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    });
    bar.start(uris.length, 0, { faces: 0, rate: '0.0', failed: 0 });
    const stats = await until(
      async () => {
        const { Dataset: d } = await api.call<{
          Dataset: { FileCount: number; PendingFileCount: number; FailedFileCount: number; FigureCount: number };
        }>('GetDataset', { ProjectName: PROJECT, DatasetName: dataset, WithStatistics: true });
        const done = d.FileCount - d.PendingFileCount;
        const seconds = (Date.now() - indexStart) / 1000;
        bar.update(done, {
          faces: d.FigureCount,
          rate: (done / Math.max(seconds, 0.001)).toFixed(1),
          failed: d.FailedFileCount,
        });
        return done >= uris.length ? d : undefined;
      },
      30 * 60_000,
      'indexing',
    );
    bar.stop();
    const indexSeconds = (Date.now() - indexStart) / 1000;
    console.log(
      `Indexed ${uris.length} photos in ${indexSeconds.toFixed(1)} s (${(uris.length / indexSeconds).toFixed(2)} img/s): ${stats.FigureCount} faces, ${stats.FailedFileCount} failed`,
    );

    // 4. Cluster and wait for the task
    const clusterStart = Date.now();
    const { TaskId } = await api.call<{ TaskId: string }>('CreateFigureClusteringTask', {
      ProjectName: PROJECT,
      DatasetName: dataset,
    });
    const task = await until(
      async () => {
        const t = await api.call<{ Status: string; Code?: string; Message?: string }>('GetTask', {
          ProjectName: PROJECT,
          TaskType: 'FaceClustering',
          TaskId,
        });
        return t.Status === 'Running' ? undefined : t;
      },
      10 * 60_000,
      'clustering',
    );
    if (task.Status !== 'Succeeded')
      throw new Error(`Clustering ${task.Status}: ${task.Code ?? ''} ${task.Message ?? ''}`);
    console.log(`Clustering task ${TaskId} succeeded in ${((Date.now() - clusterStart) / 1000).toFixed(1)} s`);

    // 5. The people found
    const { FigureClusters: clusters = [], TotalCount } = await api.call<{
      FigureClusters?: Array<{ ObjectId: string; FaceCount: number; ImageCount: number }>;
      TotalCount?: number;
    }>('QueryFigureClusters', {
      ProjectName: PROJECT,
      DatasetName: dataset,
      Sort: 'FaceCount',
      Order: 'desc',
      MaxResults: 100,
      WithTotalCount: true,
    });
    const rows: string[][] = [];
    for (const cluster of clusters) {
      const { Files = [] } = await api.call<{ Files?: Array<{ URI: string }> }>('SimpleQuery', {
        ProjectName: PROJECT,
        DatasetName: dataset,
        Query: { Field: 'Figures.FigureClusterId', Operation: 'eq', Value: cluster.ObjectId },
        MaxResults: 4,
        WithFields: ['URI'],
      });
      const samples = Files.map((f) => f.URI.slice(`oss://${bucket}/${prefix}`.length));
      rows.push([cluster.ObjectId, String(cluster.FaceCount), String(cluster.ImageCount), samples.join(', ')]);
    }
    console.log(`\n${TotalCount ?? clusters.length} people (figure clusters), largest first:`);
    printTable(['FigureClusterId', 'Faces', 'Images', 'Sample files'], rows);
    console.log(
      `\nDashboard: ${base}/dashboard${config.API_KEY ? '?key=<API_KEY>' : ''}  (project "${PROJECT}", dataset "${dataset}")`,
    );
  } finally {
    if (args.exit || !stack) {
      await stopStack();
    } else {
      console.log('The stack started by the demo keeps running; press Ctrl-C to stop it.');
    }
  }
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  process.stderr.write(`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
