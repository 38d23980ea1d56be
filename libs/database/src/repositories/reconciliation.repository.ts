import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StalePendingFile {
  id: string;
  datasetId: string;
  uri: string;
}

export interface StaleRunningTask {
  id: string;
  taskType: string;
  datasetId: string | null;
}

/**
 * The reconciler's questions to PostgreSQL, the source of truth for work: what should be in flight. Each answer
 * is bounded (`limit`) so one pass stays short however much an outage left behind.
 */
@Injectable()
export class ReconciliationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Files still pending that nothing touched since `before` (oldest first). */
  stalePendingFiles(before: Date, limit: number): Promise<StalePendingFile[]> {
    return this.dataSource.query(
      `SELECT id, dataset_id AS "datasetId", uri FROM files
       WHERE status = 'pending' AND update_time < $1 ORDER BY update_time LIMIT $2`,
      [before, limit],
    );
  }

  /** Tasks of the given types still Running that started before `before` (oldest first). */
  staleRunningTasks(types: string[], before: Date, limit: number): Promise<StaleRunningTask[]> {
    return this.dataSource.query(
      `SELECT id, task_type AS "taskType", dataset_id AS "datasetId" FROM tasks
       WHERE status = 'Running' AND task_type = ANY($1) AND start_time < $2 ORDER BY start_time LIMIT $3`,
      [types, before, limit],
    );
  }

  /** Datasets with faces no clustering run has looked at yet. */
  async datasetsWithUnclusteredFaces(limit: number): Promise<string[]> {
    const rows: Array<{ datasetId: string }> = await this.dataSource.query(
      `SELECT DISTINCT dataset_id AS "datasetId" FROM figures WHERE cluster_state = 'unavailable' LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.datasetId);
  }

  /** Datasets among `datasetIds` that still have pending files. */
  async datasetsWithPendingFiles(datasetIds: string[]): Promise<Set<string>> {
    if (datasetIds.length === 0) return new Set();
    const rows: Array<{ datasetId: string }> = await this.dataSource.query(
      `SELECT DISTINCT dataset_id AS "datasetId" FROM files WHERE status = 'pending' AND dataset_id = ANY($1::uuid[])`,
      [datasetIds],
    );
    return new Set(rows.map((r) => r.datasetId));
  }
}
