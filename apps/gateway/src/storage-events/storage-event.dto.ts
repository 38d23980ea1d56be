import { z } from 'zod';

/** S3 / MinIO bucket notification (only the fields we use are validated; the rest is ignored). */
export const storageEventSchema = z.object({
  EventName: z.string().max(256).optional(),
  Key: z.string().max(4096).optional(),
  Records: z
    .array(
      z.object({
        eventName: z.string().min(1).max(256),
        s3: z.object({
          bucket: z.object({ name: z.string().min(1).max(255) }),
          object: z.object({
            key: z.string().min(1).max(3072),
            size: z.number().optional(),
            eTag: z.string().max(256).optional(),
          }),
        }),
      }),
    )
    .max(1000, 'must contain at most 1000 records'),
});
export type StorageEventRequest = z.infer<typeof storageEventSchema>;

export interface ObjectChange {
  kind: 'created' | 'removed';
  bucket: string;
  key: string;
}

/** Decodes the records (keys are URL-encoded, '+' meaning space); other event kinds are skipped. */
export function objectChanges(request: StorageEventRequest): { changes: ObjectChange[]; invalid: string[] } {
  const changes: ObjectChange[] = [];
  const invalid: string[] = [];
  request.Records.forEach((record, i) => {
    const name = record.eventName.replace(/^s3:/, '');
    const kind = name.startsWith('ObjectCreated:') ? 'created' : name.startsWith('ObjectRemoved:') ? 'removed' : null;
    if (!kind) return;
    let key: string;
    try {
      key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    } catch {
      invalid.push(`Records[${i}].s3.object.key`);
      return;
    }
    if (key.endsWith('/') || key.length === 0 || key.length > 1024) return;
    changes.push({ kind, bucket: record.s3.bucket.name, key });
  });
  return { changes, invalid };
}
