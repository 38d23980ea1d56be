/**
 * Worker-level fixtures on a running stack: create projects, datasets, files and tasks the way the gateway
 * records them, and queue jobs with the payloads of libs/contracts. Suites that test the workers without going
 * through HTTP use these; HTTP suites use `stack.api(...)`.
 */
import { IndexFileJob, JobName, jobId, TaskType } from '@app/contracts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileRepository, ProjectEntity } from '@app/database';
import { datasetsDir, entityFactories, waitFor } from '@app/testing';
import { Stack } from './stack';

/** Retry policy the tests use for jobs they queue themselves (mirrors what producers should send). */
export const testJobOptions = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 300 },
  removeOnComplete: true,
  removeOnFail: { count: 100 },
};

export async function createDataset(stack: Stack, name: string): Promise<{ projectId: string; datasetId: string }> {
  const make = entityFactories(stack.dataSource);
  const projectName = `p-${name}`;
  const project =
    (await stack.dataSource.getRepository(ProjectEntity).findOneBy({ name: projectName })) ??
    (await make.project({ name: projectName }));
  const dataset = await make.dataset({ projectId: project.id, name });
  return { projectId: project.id, datasetId: dataset.id };
}

export interface PutFile {
  key: string;
  body: Buffer;
  contentType?: string;
}

/** Uploads objects to `photos`, records them as pending files and queues their indexing. Returns file ids by key. */
export async function indexObjects(
  stack: Stack,
  datasetId: string,
  files: PutFile[],
  options: { taskId?: string; bucket?: string; upload?: boolean } = {},
): Promise<Map<string, string>> {
  const bucket = options.bucket ?? 'photos';
  const ids = new Map<string, string>();
  const fileRepository = new FileRepository(stack.dataSource);
  for (const f of files) {
    if (options.upload !== false)
      await stack.storage.put(bucket, f.key, f.body, f.contentType ?? 'application/octet-stream');
    const [file] = await fileRepository.upsertPending([
      { datasetId, uri: `oss://${bucket}/${f.key}`, bucket, objectKey: f.key },
    ]);
    ids.set(f.key, file.id);
  }
  await stack.queues.index.addBulk(
    files.map((f) => {
      const fileId = ids.get(f.key)!;
      const data: IndexFileJob = {
        name: JobName.IndexFile,
        fileId,
        datasetId,
        uri: `oss://${bucket}/${f.key}`,
        ...(options.taskId ? { taskId: options.taskId } : {}),
      };
      return { name: JobName.IndexFile, data, opts: { ...testJobOptions, jobId: jobId.indexFile(fileId) } };
    }),
  );
  return ids;
}

/** Records a Running task as the gateway does (status Running, expiring in 7 days); returns its id. */
export async function createTask(
  stack: Stack,
  ids: { projectId: string; datasetId: string },
  type: string,
  details: Record<string, unknown> = {},
): Promise<string> {
  const task = await entityFactories(stack.dataSource).task({
    projectId: ids.projectId,
    datasetId: ids.datasetId,
    taskType: type,
    details,
  });
  return task.id;
}

/** Queues a requested clustering run (what CreateFigureClusteringTask does) and returns its task id. */
export async function requestClustering(
  stack: Stack,
  ids: { projectId: string; datasetId: string },
  opts = testJobOptions,
): Promise<string> {
  const taskId = await createTask(stack, ids, TaskType.FaceClustering);
  await stack.queues.cluster.add(
    JobName.ClusterDataset,
    { name: JobName.ClusterDataset, datasetId: ids.datasetId, trigger: 'request', taskId },
    { ...opts, jobId: jobId.clusterRequest(taskId) },
  );
  return taskId;
}

export interface TaskRow {
  id: string;
  status: string;
  code: string | null;
  message: string | null;
  progress: number;
  details: Record<string, unknown>;
  start_time: Date;
  end_time: Date | null;
}

export async function taskRow(stack: Stack, taskId: string): Promise<TaskRow> {
  const { rows } = await stack.db.query('SELECT * FROM tasks WHERE id = $1', [taskId]);
  return rows[0] as TaskRow;
}

export function waitForTaskEnd(stack: Stack, taskId: string, timeoutMs = 60_000): Promise<TaskRow> {
  return waitFor(
    async () => {
      const row = await taskRow(stack, taskId);
      return row && row.status !== 'Running' ? row : null;
    },
    `task ${taskId} to end`,
    timeoutMs,
  );
}

/** Photos of the labelled BBT set (8 people x 5 PNG, 150x150, one face each), or null when absent. */
export function bbtDir(): string | null {
  const dir = join(datasetsDir(), 'misc', 'bbt-labelled');
  return existsSync(dir) ? dir : null;
}

export function bbtPhotos(people: string[], numbers: number[]): Array<PutFile & { person: string }> {
  const dir = bbtDir();
  if (!dir) throw new Error(`The labelled photos are missing (${join(datasetsDir(), 'misc', 'bbt-labelled')})`);
  const out: Array<PutFile & { person: string }> = [];
  for (const person of people) {
    for (const file of readdirSync(join(dir, person)).sort()) {
      const n = Number(/(\d+)\.\w+$/.exec(file)?.[1]);
      if (numbers.includes(n))
        out.push({
          person,
          key: `bbt/${person}/${file}`,
          body: readFileSync(join(dir, person, file)),
          contentType: 'image/png',
        });
    }
  }
  return out;
}

/** face-api's demo photos: always installed (devDependency), several faces each. */
export function demoPhoto(n: 1 | 2 | 3 | 4 | 5 | 6): Buffer {
  return readFileSync(join(__dirname, '..', '..', 'node_modules', '@vladmandic', 'face-api', 'demo', `sample${n}.jpg`));
}

/** Calls an IMM operation and returns its body; any non-200 answer throws with the IMM error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- IMM response bodies are asserted field by field in tests
export async function imm<T = Record<string, any>>(
  stack: Stack,
  operation: string,
  body: Record<string, unknown> = {},
): Promise<T> {
  const res = await stack.api(operation, body);
  if (res.status !== 200) throw new Error(`${operation} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** Waits for an IMM task to leave Running (through GetTask) and returns the GetTask body. */
export async function waitForImmTask(
  stack: Stack,
  projectName: string,
  taskType: string,
  taskId: string,
  timeoutMs = 60_000,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see imm()
): Promise<Record<string, any>> {
  return waitFor(
    async () => {
      const task = await imm(stack, 'GetTask', { ProjectName: projectName, TaskType: taskType, TaskId: taskId });
      return task.Status !== 'Running' ? task : null;
    },
    `${taskType} task ${taskId} to end`,
    timeoutMs,
    150,
  );
}

/** A PNG whose header claims width x height (valid CRC) and carries no pixel data: a decompression bomb probe. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  const idat = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]); // an empty zlib stream
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
