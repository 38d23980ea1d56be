import { ClusteringIndex, ClusteringIndexChange } from '@app/clustering';
import { Injectable, Logger } from '@nestjs/common';

interface Entry {
  /** The dataset's cluster generation (completed runs) the index reflects. */
  generation: number;
  index: Promise<ClusteringIndex>;
}

/** Datasets whose index stays in memory; the least recently used beyond this is dropped (and rebuilt if needed). */
const MAX_DATASETS = 16;

/**
 * Each dataset's search index (cluster directions and independent faces) kept in this process between runs, so
 * that a run searches it with its new faces instead of loading every summary from Postgres.
 *
 * An index is tagged with the cluster generation it reflects. A run reads the generation under the dataset's
 * lock: an index at another generation (another replica ran, or this process never saw the dataset) is rebuilt
 * from the database. A run's changes reach the index only after its transaction committed (`committed`), so a
 * rolled-back run leaves the index as the database is. The index only shortlists: decisions always use the
 * summaries loaded in the run's transaction.
 */
@Injectable()
export class ClusteringIndexRegistry {
  private readonly logger = new Logger(ClusteringIndexRegistry.name);
  private readonly entries = new Map<string, Entry>();

  /** The dataset's index as of `generation`, from memory or built by `build`. Call under the dataset's lock. */
  async get(datasetId: string, generation: number, build: () => Promise<ClusteringIndex>): Promise<ClusteringIndex> {
    const current = this.entries.get(datasetId);
    if (current && current.generation === generation) {
      try {
        const index = await current.index;
        this.touch(datasetId, current);
        return index;
      } catch {
        // A failed build or update: rebuilt below.
      }
    }
    const entry: Entry = { generation, index: build() };
    this.touch(datasetId, entry);
    try {
      return await entry.index;
    } catch (error) {
      if (this.entries.get(datasetId) === entry) this.entries.delete(datasetId);
      throw error;
    }
  }

  /**
   * A run that started at generation `from` committed as generation `to`: applies its changes to the index
   * (when the index is still the one the run used; otherwise the index is stale and dropped).
   */
  committed(datasetId: string, from: number, to: number, change: ClusteringIndexChange): void {
    const current = this.entries.get(datasetId);
    if (!current) return;
    if (current.generation !== from) {
      this.entries.delete(datasetId);
      return;
    }
    const next: Entry = {
      generation: to,
      index: current.index.then(async (index) => {
        await index.apply(change);
        return index;
      }),
    };
    this.entries.set(datasetId, next);
    next.index.catch((error: unknown) => {
      this.logger.warn(
        `Index of dataset ${datasetId} dropped: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (this.entries.get(datasetId) === next) this.entries.delete(datasetId);
    });
  }

  /** Waits for pending updates of the dataset's index; for tests and shutdown. */
  async settled(datasetId: string): Promise<number | null> {
    const entry = this.entries.get(datasetId);
    if (!entry) return null;
    await entry.index.catch(() => undefined);
    return this.entries.get(datasetId)?.generation ?? null;
  }

  private touch(datasetId: string, entry: Entry): void {
    this.entries.delete(datasetId);
    this.entries.set(datasetId, entry);
    while (this.entries.size > MAX_DATASETS) this.entries.delete(this.entries.keys().next().value!);
  }
}
