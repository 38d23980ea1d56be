import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/** Polls `probe` until it returns a truthy value (returned) or the timeout elapses (throws with `what`). */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

/** A BullMQ key prefix unique to this test run, so parallel runs never share queues. */
export function testQueuePrefix(label = 'fc'): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Where the labelled photos live: FACECLUSTER_DATASETS, default ../shared/datasets beside the repo. */
export function datasetsDir(): string {
  return process.env.FACECLUSTER_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
}
