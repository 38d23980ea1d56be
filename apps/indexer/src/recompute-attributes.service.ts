import { APP_CONFIG, IndexerConfig } from '@app/config';
import { computeClusterStats } from '@app/clustering';
import { FigureClusterRepository, FileRepository, type FigureAttributesUpdate } from '@app/database';
import { FacePipeline } from '@app/inference';
import { StorageRepository } from '@app/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecomputeSummary {
  files: number;
  faces: number;
  /** Files that could not be read or decoded (left as they were, with the error logged). */
  failedFiles: number;
  datasets: number;
  clusters: number;
}

const PAGE = 50;
const LOCK_ATTEMPTS = 60;
const LOCK_WAIT_MS = 1000;

/**
 * Recomputes the age and gender of already indexed faces in place after the attribute model or its calibration
 * changed: re-reads each file from the object store, runs only landmarks + the age/gender network on the stored
 * face boxes (no detection, no embedding: the faces, their ids and their clusters stay), writes the new values,
 * then recomputes each touched dataset's cluster statistics (Gender, AverageAge, MinAge, MaxAge) under the
 * dataset's clustering lock.
 */
@Injectable()
export class RecomputeAttributesService {
  private readonly logger = new Logger(RecomputeAttributesService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly files: FileRepository,
    private readonly clusters: FigureClusterRepository,
    private readonly storage: StorageRepository,
    private readonly pipeline: FacePipeline,
  ) {}

  async run(datasetId: string | null): Promise<RecomputeSummary> {
    const summary: RecomputeSummary = { files: 0, faces: 0, failedFiles: 0, datasets: 0, clusters: 0 };
    const datasets = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const page = await this.files.filesWithFaces(datasetId, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].fileId;
      for (const file of page) {
        datasets.add(file.datasetId);
        try {
          const object = await this.storage.get(file.bucket, file.objectKey, this.config.MAX_OBJECT_BYTES);
          const attributes = await this.pipeline.recomputeAgeGender(object.body, file.figures);
          const updates: FigureAttributesUpdate[] = file.figures.map((f, i) => ({
            id: f.id,
            age: attributes[i].age ?? null,
            ageSD: attributes[i].ageSD ?? null,
            gender: attributes[i].gender ?? null,
            genderConfidence: attributes[i].genderConfidence ?? null,
          }));
          await this.files.updateFigureAttributes(updates);
          summary.files++;
          summary.faces += updates.length;
        } catch (error) {
          summary.failedFiles++;
          this.logger.warn(
            `file ${file.fileId} (${file.bucket}/${file.objectKey}) left as it was: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    }
    for (const id of datasets) summary.clusters += await this.recomputeClusterStats(id);
    summary.datasets = datasets.size;
    return summary;
  }

  /** Gender and age statistics of every cluster of a dataset, from its members' (new) attributes. */
  private async recomputeClusterStats(datasetId: string): Promise<number> {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      const outcome = await this.clusters.runClusteringTransaction(datasetId, async (tx) => {
        const ids = await tx.clusterIds();
        const members = await tx.members(ids);
        const byCluster = new Map<string, typeof members>(ids.map((id) => [id, []]));
        for (const m of members) byCluster.get(m.clusterId)?.push(m);
        const rows = [...byCluster.entries()].map(([id, list]) => {
          const stats = computeClusterStats(
            list.map((m) => ({
              imageId: m.fileId,
              age: m.age ?? undefined,
              gender: m.gender === 'male' || m.gender === 'female' ? m.gender : undefined,
              genderConfidence: m.genderConfidence ?? undefined,
              isHD: m.isHD,
            })),
          );
          return {
            id,
            gender: stats.gender ?? null,
            averageAge: stats.averageAge ?? null,
            minAge: stats.minAge ?? null,
            maxAge: stats.maxAge ?? null,
          };
        });
        await tx.writeAttributeStats(rows);
        return rows.length;
      });
      if (outcome.acquired) return outcome.result;
      // A clustering run holds the dataset: it recomputes the statistics of what it touches; wait for it.
      await sleep(LOCK_WAIT_MS);
    }
    throw new Error(`dataset ${datasetId}: clustering lock not acquired after ${LOCK_ATTEMPTS} attempts`);
  }
}
