import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, EmbeddedS3Server, StorageOptions } from '@app/storage';

export interface TestS3 {
  options: StorageOptions;
  port: number;
  stop(): Promise<void>;
}

/** A real S3 server (s3rver) on a free loopback port and a temp folder. */
export async function startTestS3(buckets: string[] = ['photos']): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'fc-s3-'));
  const server = new EmbeddedS3Server({ port: 0, directory, buckets });
  const { endpoint, port } = await server.start();
  return {
    port,
    options: { endpoint, ...EMBEDDED_S3_CREDENTIALS, region: 'us-east-1' },
    async stop() {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
