/** IMM reserved values and enumerations shared by every app. */
export const FigureClusterIdUnavailable = 'figure-cluster-id-unavailable';
export const FigureClusterIdIndependent = 'figure-cluster-id-independent';
export const FigureClusterPrefix = 'Cluster-';

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

/** Clustering state of one figure, stored with it. */
export const FigureClusterState = {
  /** Not processed by a clustering run yet. */
  Unavailable: 'unavailable',
  /** Processed, fits no cluster (a stranger, or not enough evidence yet). */
  Independent: 'independent',
  Clustered: 'clustered',
} as const;
export type FigureClusterState = (typeof FigureClusterState)[keyof typeof FigureClusterState];

export function toFigureClusterId(clusterUuid: string): string {
  return `${FigureClusterPrefix}${clusterUuid}`;
}

/** Cluster-<uuid> -> uuid, or null when the value is not a well-formed cluster id. */
export function parseFigureClusterId(objectId: string): string | null {
  const match = /^Cluster-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(objectId);
  return match ? match[1].toLowerCase() : null;
}

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
