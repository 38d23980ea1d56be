import { parseStorageUri } from '@app/contracts';
import { z } from 'zod';

/** IMM naming rule for projects and datasets: 1..128 chars, letters, digits, - and _, starting with a letter or _. */
export const immName = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'may contain only letters, digits, - and _, and must start with a letter or _');

export const description = z.string().max(256, 'must be at most 256 characters');
export const maxResults = z
  .number()
  .int('must be an integer')
  .min(0, 'must be between 0 and 100')
  .max(100, 'must be between 0 and 100');
export const nextToken = z.string().max(4096, 'is too long');
export const prefixFilter = z.string().max(128, 'must be at most 128 characters');
export const userData = z.string().max(2048, 'must be at most 2048 characters');

/** oss://bucket/key or s3://bucket/key with a non-empty key. */
export const fileUri = z
  .string()
  .max(1100, 'must be at most 1100 characters')
  .refine((uri) => {
    const parsed = parseStorageUri(uri);
    return parsed !== null && parsed.key.length > 0 && !parsed.key.endsWith('/');
  }, 'must be oss://<bucket>/<key> or s3://<bucket>/<key>');

/** A binding URI: oss://bucket/ or oss://bucket/prefix/ (IMM requires the trailing slash). */
export const prefixUri = z
  .string()
  .max(1100, 'must be at most 1100 characters')
  .refine((uri) => {
    const parsed = parseStorageUri(uri);
    return parsed !== null && (parsed.key === '' || parsed.key.endsWith('/'));
  }, 'must be oss://<bucket>/ or oss://<bucket>/<prefix>/');

export const customLabels = z
  .record(
    z.string().min(1).max(128, 'label keys must be at most 128 characters'),
    z.string().max(1024, 'label values must be at most 1024 characters'),
  )
  .refine((labels) => Object.keys(labels).length <= 100, 'must have at most 100 labels');

export const tags = z
  .array(z.strictObject({ TagKey: z.string().min(1).max(128), TagValue: z.string().max(256) }))
  .max(20, 'must have at most 20 tags');

/** IMM accepts tags as `{ key: value }` on tasks. */
export const taskTags = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((t) => Object.keys(t).length <= 20, 'must have at most 20 tags');

/** IMM Notification: HTTP endpoints are delivered; MNS topics are kept but not delivered. */
export const notification = z.strictObject({
  HTTP: z.strictObject({ Endpoint: z.url({ protocol: /^https?$/ }).max(2048) }).optional(),
  MNS: z.strictObject({ TopicName: z.string().min(1).max(256), Endpoint: z.string().max(2048).optional() }).optional(),
  RocketMQ: z.strictObject({ InstanceId: z.string().max(256), TopicName: z.string().max(256) }).optional(),
});
export type ImmNotification = z.infer<typeof notification>;

/** Times PostgreSQL and JavaScript agree on. */
export const MIN_TIME = Date.parse('1900-01-01T00:00:00Z');
export const MAX_TIME = Date.parse('9999-12-31T23:59:59Z');
export const isoTime = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 time' })
  .refine((t) => Date.parse(t) >= MIN_TIME && Date.parse(t) <= MAX_TIME, 'must be between the years 1900 and 9999');
export const timeRange = z
  .strictObject({ Start: isoTime.optional(), End: isoTime.optional() })
  .refine((r) => !r.Start || !r.End || Date.parse(r.Start) <= Date.parse(r.End), 'Start must not be after End');

export const order = z
  .enum(['asc', 'desc', 'ASC', 'DESC'], 'must be asc or desc')
  .transform((v) => v.toUpperCase() as 'ASC' | 'DESC');

export function toRange(range?: { Start?: string; End?: string }): { start?: Date; end?: Date } | undefined {
  if (!range) return undefined;
  return {
    ...(range.Start ? { start: new Date(range.Start) } : {}),
    ...(range.End ? { end: new Date(range.End) } : {}),
  };
}

/** IMM time strings: ISO 8601 with a numeric offset, as IMM writes them (`2026-12-03T14:05:09.123+00:00`). */
export function immTime(value: Date | null | undefined): string | undefined {
  return value ? value.toISOString().replace(/Z$/, '+00:00') : undefined;
}

/** IMM's ETag keeps the object store's double quotes (`"5B3C…"`). */
export function immETag(etag: string | null | undefined): string | undefined {
  if (!etag) return undefined;
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** IMM's OwnerId is the Alibaba Cloud account; a self-hosted deployment has one owner. */
export const IMM_OWNER_ID = 'facecluster';
