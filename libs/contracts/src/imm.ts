/** IMM reserved values and enumerations shared by every app. */
export * from './figure-cluster-id';

export const TaskType = {
  FaceClustering: 'FaceClustering',
  IndexFileMeta: 'IndexFileMeta',
  Binding: 'Binding',
} as const;
export type TaskType = (typeof TaskType)[keyof typeof TaskType];

export const TaskStatus = { Running: 'Running', Succeeded: 'Succeeded', Failed: 'Failed' } as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const FileStatus = { Pending: 'pending', Indexed: 'indexed', Failed: 'failed' } as const;
export type FileStatus = (typeof FileStatus)[keyof typeof FileStatus];

export const BindingState = { Ready: 'Ready', Running: 'Running', Stopped: 'Stopped', Failed: 'Failed' } as const;
export type BindingState = (typeof BindingState)[keyof typeof BindingState];

/** oss://bucket/key or s3://bucket/key (both mean the configured S3-compatible store). */
export interface ParsedUri {
  scheme: 'oss' | 's3';
  bucket: string;
  key: string;
}

export function parseStorageUri(uri: string): ParsedUri | null {
  const match = /^(oss|s3):\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(uri);
  if (!match) return null;
  const key = match[3];
  if (key.length > 1024 || key.includes('\u0000')) return null;
  return { scheme: match[1] as 'oss' | 's3', bucket: match[2], key };
}
