import { EntityManager } from 'typeorm';

/** A face as the clustering algorithm needs it. */
export interface ClusteringFaceRow {
  id: string;
  fileId: string;
  clusterId: string | null;
  /** 512 float32, little-endian. */
  embedding: Buffer;
  isHD: boolean;
  faceQuality: number;
}

/** The member attributes statistics and the cover choice are computed from. */
export interface ClusterMemberRow {
  id: string;
  fileId: string;
  clusterId: string;
  age: number | null;
  gender: string | null;
  genderConfidence: number | null;
  faceQuality: number;
  sharpness: number | null;
  pitch: number | null;
  roll: number | null;
  yaw: number | null;
  eyesOpen: number | null;
  width: number;
  height: number;
  isHD: boolean;
}

export interface ClusterStatsRow {
  id: string;
  faceCount: number;
  imageCount: number;
  gender: string | null;
  averageAge: number | null;
  minAge: number | null;
  maxAge: number | null;
  coverFigureId: string | null;
}

export interface ClusterChangeRow {
  kind: 'merge' | 'move' | 'delete';
  fromClusterId: string | null;
  intoClusterId: string | null;
  reason: string;
}

const memberColumns = `id, file_id AS "fileId", cluster_id AS "clusterId", age, gender,
  gender_confidence AS "genderConfidence", face_quality AS "faceQuality", sharpness, pitch, roll, yaw,
  eyes_open AS "eyesOpen", box_width AS width, box_height AS height, is_hd AS "isHD"`;

const faceColumns = `id, file_id AS "fileId", cluster_id AS "clusterId", embedding, is_hd AS "isHD",
  face_quality AS "faceQuality"`;

/**
 * The write path of one clustering run of one dataset: every read and write goes through the same
 * transaction, which holds the dataset's advisory lock (see FigureClusterRepository.runClusteringTransaction).
 * A crash anywhere rolls the whole run back; the retried job redoes it.
 */
export class ClusteringTransaction {
  constructor(
    private readonly manager: EntityManager,
    readonly datasetId: string,
  ) {}

  /** Completed runs of the dataset (bumped by `bumpGeneration` at the end of each run). */
  async generation(): Promise<number> {
    const [row]: Array<{ generation: number }> = await this.manager.query(
      `SELECT cluster_generation AS generation FROM datasets WHERE id = $1`,
      [this.datasetId],
    );
    return row?.generation ?? 0;
  }

  /**
   * Clusters whose stored state no longer matches their members (files deleted or re-indexed since the last
   * run, or no summary): `face_count` is written from the members by every run, so a difference means faces
   * left. One aggregate in the database; no summary is transferred.
   */
  staleClusters(): Promise<Array<{ id: string; actual: number }>> {
    return this.manager.query(
      `SELECT c.id, COALESCE(m.count, 0)::int AS actual
         FROM figure_clusters c
         LEFT JOIN (SELECT cluster_id, COUNT(*) AS count FROM figures
                     WHERE dataset_id = $1 AND cluster_id IS NOT NULL GROUP BY cluster_id) m ON m.cluster_id = c.id
        WHERE c.dataset_id = $1 AND (c.summary IS NULL OR c.face_count <> COALESCE(m.count, 0) OR m.count IS NULL)`,
      [this.datasetId],
    );
  }

  /** The stored summaries of these clusters (absent ids are left out). */
  summariesOf(clusterIds: string[]): Promise<Array<{ id: string; summary: Buffer | null }>> {
    if (clusterIds.length === 0) return Promise.resolve([]);
    return this.manager.query(
      `SELECT id, summary FROM figure_clusters WHERE dataset_id = $1 AND id = ANY($2::uuid[])`,
      [this.datasetId, clusterIds],
    );
  }

  /** These faces if they are still independent (earlier candidates), oldest first. */
  independentFaces(faceIds: string[]): Promise<ClusteringFaceRow[]> {
    if (faceIds.length === 0) return Promise.resolve([]);
    return this.manager.query(
      `SELECT ${faceColumns} FROM figures
        WHERE dataset_id = $1 AND cluster_state = 'independent' AND id = ANY($2::uuid[]) ORDER BY create_time, id`,
      [this.datasetId, faceIds],
    );
  }

  /** One page (by id) of every cluster's summary, to build the dataset's search index. */
  summaryPage(afterId: string | null, limit: number): Promise<Array<{ id: string; summary: Buffer | null }>> {
    return this.manager.query(
      `SELECT id, summary FROM figure_clusters WHERE dataset_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [this.datasetId, afterId, limit],
    );
  }

  /** One page (by id) of the independent faces, to build the dataset's search index. */
  independentFacePage(afterId: string | null, limit: number): Promise<ClusteringFaceRow[]> {
    return this.manager.query(
      `SELECT ${faceColumns} FROM figures WHERE dataset_id = $1 AND cluster_state = 'independent'
          AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
      [this.datasetId, afterId, limit],
    );
  }

  /** Faces in a clustering state ('unavailable' = new, 'independent' = earlier candidates), oldest first. */
  facesInState(state: 'unavailable' | 'independent'): Promise<ClusteringFaceRow[]> {
    return this.manager.query(
      `SELECT ${faceColumns} FROM figures WHERE dataset_id = $1 AND cluster_state = $2 ORDER BY create_time, id`,
      [this.datasetId, state],
    );
  }

  /** Member faces (with embeddings) of the given clusters, to rebuild their summaries. */
  facesOfClusters(clusterIds: string[]): Promise<ClusteringFaceRow[]> {
    if (clusterIds.length === 0) return Promise.resolve([]);
    return this.manager.query(
      `SELECT ${faceColumns} FROM figures WHERE dataset_id = $1 AND cluster_id = ANY($2::uuid[]) ORDER BY create_time, id`,
      [this.datasetId, clusterIds],
    );
  }

  /** Member attributes of the given clusters (no blobs), for statistics and covers. */
  members(clusterIds: string[]): Promise<ClusterMemberRow[]> {
    if (clusterIds.length === 0) return Promise.resolve([]);
    return this.manager.query(
      `SELECT ${memberColumns} FROM figures WHERE dataset_id = $1 AND cluster_id = ANY($2::uuid[]) ORDER BY id`,
      [this.datasetId, clusterIds],
    );
  }

  async insertClusters(rows: Array<{ id: string; summary: Buffer }>): Promise<void> {
    for (const row of rows) {
      await this.manager.query(`INSERT INTO figure_clusters (id, dataset_id, summary) VALUES ($1, $2, $3)`, [
        row.id,
        this.datasetId,
        row.summary,
      ]);
    }
  }

  async updateSummaries(rows: Array<{ id: string; summary: Buffer }>): Promise<void> {
    for (const row of rows) {
      await this.manager.query(`UPDATE figure_clusters SET summary = $3 WHERE dataset_id = $1 AND id = $2`, [
        this.datasetId,
        row.id,
        row.summary,
      ]);
    }
  }

  /** Writes the faces' cluster (null = independent). Faces deleted meanwhile are skipped. */
  async assign(assignments: Array<{ figureId: string; clusterId: string | null }>): Promise<void> {
    const chunk = 5000;
    for (let i = 0; i < assignments.length; i += chunk) {
      const part = assignments.slice(i, i + chunk);
      await this.manager.query(
        `UPDATE figures f SET cluster_id = a.cluster_id,
                cluster_state = CASE WHEN a.cluster_id IS NULL THEN 'independent' ELSE 'clustered' END
           FROM unnest($2::uuid[], $3::uuid[]) AS a(figure_id, cluster_id)
          WHERE f.id = a.figure_id AND f.dataset_id = $1`,
        [this.datasetId, part.map((a) => a.figureId), part.map((a) => a.clusterId)],
      );
    }
  }

  /**
   * Moves every face of `from` into `into` and deletes `from`. A user-given name or labels of `from` are kept
   * by `into` only when `into` has none (user edits are never overwritten).
   */
  async mergeCluster(from: string, into: string): Promise<void> {
    await this.manager.query(`UPDATE figures SET cluster_id = $3 WHERE dataset_id = $1 AND cluster_id = $2`, [
      this.datasetId,
      from,
      into,
    ]);
    await this.manager.query(
      `UPDATE figure_clusters i SET
          name = CASE WHEN i.name = '' THEN f.name ELSE i.name END,
          custom_labels = CASE WHEN i.custom_labels = '{}'::jsonb THEN f.custom_labels ELSE i.custom_labels END
         FROM figure_clusters f
        WHERE i.dataset_id = $1 AND i.id = $3 AND f.dataset_id = $1 AND f.id = $2`,
      [this.datasetId, from, into],
    );
    await this.manager.query(`DELETE FROM figure_clusters WHERE dataset_id = $1 AND id = $2`, [this.datasetId, from]);
  }

  async deleteClusters(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.query(`DELETE FROM figure_clusters WHERE dataset_id = $1 AND id = ANY($2::uuid[])`, [
      this.datasetId,
      ids,
    ]);
  }

  /** Every cluster id of the dataset. */
  async clusterIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.manager.query(
      `SELECT id FROM figure_clusters WHERE dataset_id = $1 ORDER BY id`,
      [this.datasetId],
    );
    return rows.map((r) => r.id);
  }

  /** Gender and age statistics only (after the faces' attributes were recomputed; counts and cover stay). */
  async writeAttributeStats(
    rows: Array<Pick<ClusterStatsRow, 'id' | 'gender' | 'averageAge' | 'minAge' | 'maxAge'>>,
  ): Promise<void> {
    for (const r of rows) {
      await this.manager.query(
        `UPDATE figure_clusters SET gender = $3, average_age = $4, min_age = $5, max_age = $6, update_time = now()
          WHERE dataset_id = $1 AND id = $2`,
        [this.datasetId, r.id, r.gender, r.averageAge, r.minAge, r.maxAge],
      );
    }
  }

  /** Statistics and cover; never touches name, custom labels or MetaLockVersion (user-owned fields). */
  async writeStats(rows: ClusterStatsRow[]): Promise<void> {
    for (const r of rows) {
      await this.manager.query(
        `UPDATE figure_clusters SET face_count = $3, image_count = $4, video_count = 0, gender = $5,
                average_age = $6, min_age = $7, max_age = $8, cover_figure_id = $9, update_time = now()
          WHERE dataset_id = $1 AND id = $2`,
        [this.datasetId, r.id, r.faceCount, r.imageCount, r.gender, r.averageAge, r.minAge, r.maxAge, r.coverFigureId],
      );
    }
  }

  async recordChanges(taskId: string | null, changes: ClusterChangeRow[]): Promise<void> {
    for (const c of changes) {
      await this.manager.query(
        `INSERT INTO cluster_changes (dataset_id, task_id, kind, from_cluster_id, into_cluster_id, reason)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [this.datasetId, taskId, c.kind, c.fromClusterId, c.intoClusterId, c.reason],
      );
    }
  }

  /** Counts the completed run; returns the new generation. */
  async bumpGeneration(): Promise<number> {
    // TypeORM returns [rows, affectedCount] for UPDATE ... RETURNING.
    const [rows]: [Array<{ generation: number }>, number] = await this.manager.query(
      `UPDATE datasets SET cluster_generation = cluster_generation + 1 WHERE id = $1 RETURNING cluster_generation AS generation`,
      [this.datasetId],
    );
    return rows[0]?.generation ?? 0;
  }
}
