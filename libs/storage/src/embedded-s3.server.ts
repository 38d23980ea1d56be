import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
// s3rver ships no types; this is its documented constructor shape.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};

export interface EmbeddedS3Options {
  port: number;
  address?: string;
  directory: string;
  buckets: string[];
}

/**
 * A real S3-compatible server (s3rver) on a local folder, for development (`npm start` without S3_ENDPOINT)
 * and tests. Its credentials are s3rver's fixed ones: access key S3RVER, secret key S3RVER.
 */
export class EmbeddedS3Server {
  private server?: InstanceType<typeof S3rver>;

  constructor(private readonly options: EmbeddedS3Options) {}

  async start(): Promise<{ endpoint: string; port: number }> {
    mkdirSync(this.options.directory, { recursive: true });
    this.server = new S3rver({
      port: this.options.port,
      address: this.options.address ?? '127.0.0.1',
      directory: this.options.directory,
      silent: true,
      resetOnClose: false,
      allowMismatchedSignatures: false,
      configureBuckets: this.options.buckets.map((name) => ({ name })),
    });
    const address = await this.server.run();
    return { endpoint: `http://${address.address}:${address.port}`, port: address.port };
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

export const EMBEDDED_S3_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' } as const;
