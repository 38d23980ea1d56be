import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'minio';
import { ObjectNotFoundError, ObjectTooLargeError } from './storage.errors';

export interface StorageOptions {
  /** http(s)://host:port of an S3-compatible server (MinIO in production, s3rver in tests). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

export const STORAGE_OPTIONS = Symbol('STORAGE_OPTIONS');

export interface ObjectStat {
  etag: string;
  size: number;
  contentType: string | null;
  lastModified: Date | null;
}

export interface StoredObject extends ObjectStat {
  body: Buffer;
}

export interface ObjectListing {
  keys: Array<{ key: string; size: number; etag: string }>;
  /** Pass back as `startAfter` for the next page; undefined at the end. */
  nextStartAfter?: string;
}

const notFoundCodes = new Set(['NoSuchKey', 'NotFound', 'NoSuchObject']);

/** The only class that talks to the object store (the `minio` client). */
@Injectable()
export class StorageRepository {
  private readonly client: Client;

  constructor(@Inject(STORAGE_OPTIONS) options: StorageOptions) {
    this.client = createMinioClient(options);
  }

  async ensureBucket(bucket: string): Promise<void> {
    if (!(await this.client.bucketExists(bucket))) {
      try {
        await this.client.makeBucket(bucket);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
      }
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return this.client.bucketExists(bucket);
  }

  async put(bucket: string, key: string, body: Buffer, contentType = 'application/octet-stream'): Promise<string> {
    const info = await this.client.putObject(bucket, key, body, body.length, { 'Content-Type': contentType });
    return info.etag;
  }

  async remove(bucket: string, key: string): Promise<void> {
    await this.client.removeObject(bucket, key);
  }

  /**
   * Reads a whole object, refusing more than `maxBytes`. Missing objects raise ObjectNotFoundError. Pass the
   * `stat` a caller already has (e.g. to compare ETags) to save the HEAD request.
   */
  async get(bucket: string, key: string, maxBytes: number, known?: ObjectStat): Promise<StoredObject> {
    try {
      const stat = known ?? (await this.stat(bucket, key));
      if (stat.size > maxBytes) throw new ObjectTooLargeError(bucket, key, stat.size, maxBytes);
      const stream = await this.client.getObject(bucket, key);
      const body = await readAll(stream, maxBytes, () => new ObjectTooLargeError(bucket, key, stat.size, maxBytes));
      return { ...stat, body, size: body.length };
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
  }

  /** ETag, size and headers without the body (to skip unchanged content). */
  async stat(bucket: string, key: string): Promise<ObjectStat> {
    try {
      const stat = await this.client.statObject(bucket, key);
      return {
        etag: stat.etag,
        size: stat.size,
        contentType: (stat.metaData?.['content-type'] as string | undefined) ?? null,
        lastModified: stat.lastModified ?? null,
      };
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
  }

  /**
   * One page of keys under a prefix, in key order. Uses ListObjects (v1) with a marker: every S3 server
   * supports it, and s3rver's v2 continuation tokens need a cipher OpenSSL 3 no longer offers.
   */
  async list(bucket: string, prefix: string, startAfter = '', maxKeys = 1000): Promise<ObjectListing> {
    try {
      const result = await this.client.listObjectsQuery(bucket, prefix, startAfter, {
        Delimiter: '',
        MaxKeys: maxKeys,
      });
      const keys = result.objects
        .filter((o): o is typeof o & { name: string } => typeof o.name === 'string')
        .map((o) => ({ key: o.name, size: o.size ?? 0, etag: o.etag ?? '' }));
      const last = keys[keys.length - 1];
      return { keys, nextStartAfter: result.isTruncated && last ? last.key : undefined };
    } catch (error) {
      throw translate(error, bucket, prefix);
    }
  }

  /** HEAD requests carry no error body: tell a missing bucket from a missing object by asking. */
  private async translate(error: unknown, bucket: string, key: string): Promise<unknown> {
    const translated = translate(error, bucket, key);
    if (translated instanceof ObjectNotFoundError && translated.code === 'ResourceNotFound.Object') {
      const exists = await this.client.bucketExists(bucket).catch(() => true);
      if (!exists) return new ObjectNotFoundError(bucket, key, 'bucket');
    }
    return translated;
  }
}

export function createMinioClient(options: StorageOptions): Client {
  const url = new URL(options.endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region,
    pathStyle: true,
  });
}

function translate(error: unknown, bucket: string, key: string): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'NoSuchBucket') return new ObjectNotFoundError(bucket, key, 'bucket');
  if (code && notFoundCodes.has(code)) return new ObjectNotFoundError(bucket, key);
  return error;
}

async function readAll(stream: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
