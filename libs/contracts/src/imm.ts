/** IMM reserved values and enumerations shared by every app. */
export * from './figure-cluster-id';

export const TaskType = {
  FaceClustering: 'FaceClustering',
  IndexFileMeta: 'IndexFileMeta',
  Binding: 'Binding',
  FacesSearching: 'FacesSearching',
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
  if (key.length > 1024 || !objectKeyIsSafe(key)) return null;
  return { scheme: match[1] as 'oss' | 's3', bucket: match[2], key };
}

/**
 * An object key that means the same to every S3 server and HTTP layer: no control characters, no leading '/',
 * and no `.` or `..` segments (with `/` or `\` as separator), which a server or proxy may resolve into another
 * bucket (`oss://a/../b/key` read bucket b). Keys are refused rather than rewritten: a rewritten key would name
 * another object than the one the caller meant.
 */
export function objectKeyIsSafe(key: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(key) || key.startsWith('/')) return false;
  return key.split(/[/\\]/).every((segment) => segment !== '.' && segment !== '..');
}
