/**
 * When a dataset is clustered after indexing, through real BullMQ queues on the local Redis: the producers'
 * scheduleClusterRun (what the indexer calls after every file and the gateway after deletes) and a worker on the
 * cluster queue that records when each run starts. A burst of triggers gives ONE run, debounce after the last
 * trigger; a stream longer than the max wait gives a run at least every max wait while it goes on, then one
 * after it stops. Small values (debounce 800 ms, max wait 2.4 s) keep it short.
 */
import { ClusterDatasetJob, QueueName, scheduleClusterRun } from '@app/contracts';
import { testQueuePrefix } from '@app/testing';
import { Job, Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';

jest.setTimeout(60_000);

const connection = { host: '127.0.0.1', port: 6379 };
const timing = { debounceMs: 800, maxWaitMs: 2400 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('clustering after indexing: debounce with a maximum wait (real queues)', () => {
  const prefix = testQueuePrefix('schedule');
  let queue: Queue<ClusterDatasetJob>;
  let worker: Worker<ClusterDatasetJob>;
  const runs: Array<{ datasetId: string; at: number; windowStartedAt?: number }> = [];

  beforeAll(async () => {
    queue = new Queue(QueueName.Cluster, { connection, prefix });
    worker = new Worker(
      QueueName.Cluster,
      async (job: Job<ClusterDatasetJob>) => {
        runs.push({ datasetId: job.data.datasetId, at: Date.now(), windowStartedAt: job.data.windowStartedAt });
        await sleep(100); // a short run: triggers during it open the next window
      },
      { connection, prefix, concurrency: 2 },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
  });

  const runsOf = (datasetId: string): number[] => runs.filter((r) => r.datasetId === datasetId).map((r) => r.at);

  it('a burst of triggers gives one run, debounce after the last one', async () => {
    const datasetId = randomUUID();
    let last = 0;
    for (let i = 0; i < 6; i++) {
      await scheduleClusterRun(queue, { datasetId, trigger: 'debounce' }, timing);
      last = Date.now();
      await sleep(120);
    }
    // Past the max wait of the burst's first trigger: still only the one debounced run.
    await sleep(timing.maxWaitMs + 1000);
    const at = runsOf(datasetId);
    expect(at).toHaveLength(1);
    expect(at[0] - last).toBeGreaterThanOrEqual(timing.debounceMs - 50);
    expect(at[0] - last).toBeLessThan(timing.debounceMs + 1000);
  });

  it('a stream of triggers is clustered at least every max wait while it goes on, and once after it stops', async () => {
    const datasetId = randomUUID();
    const started = Date.now();
    const streamMs = 3 * timing.maxWaitMs + 1000;
    let last = started;
    while (Date.now() - started < streamMs) {
      await scheduleClusterRun(queue, { datasetId, trigger: 'debounce' }, timing);
      last = Date.now();
      await sleep(200); // always less than the debounce: the debounce alone would never fire
    }
    await sleep(timing.debounceMs + 1000);
    const at = runsOf(datasetId);
    const during = at.filter((t) => t <= last);
    // Runs at ~2.4 s, ~5 s, ~7.6 s into an 8.2 s stream (a run takes 0.1 s, the next window opens after it).
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during[0] - started).toBeGreaterThanOrEqual(timing.maxWaitMs - 50);
    expect(during[0] - started).toBeLessThan(timing.maxWaitMs + 800);
    for (let i = 1; i < during.length; i++) {
      expect(during[i] - during[i - 1]).toBeLessThan(timing.maxWaitMs + 800);
    }
    // The stream's end: one more run, debounce after the last trigger.
    expect(at.length).toBe(during.length + 1);
    expect(at[at.length - 1] - last).toBeGreaterThanOrEqual(timing.debounceMs - 50);
    expect(at[at.length - 1] - last).toBeLessThan(timing.debounceMs + 1000);
  });
});
