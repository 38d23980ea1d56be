import { DatasetRepository, FigureClusterRepository } from '@app/database';
import { Injectable, Logger } from '@nestjs/common';
import { ClusterMatch, ClusterMatchIndex } from './cluster-match.index';

interface Entry {
  generation: number;
  index: ClusterMatchIndex;
  /** The refresh in progress (one at a time per dataset). */
  refreshing: Promise<ClusterMatchIndex> | null;
}

/** Datasets whose cluster index stays in memory; the least recently used beyond this is dropped. */
const MAX_DATASETS = 8;
const PAGE = 2000;

/**
 * Each dataset's clusters as a ClusterMatchIndex kept in the indexer (the process that computes the faces), so
 * that "which cluster is this face" is answered right after a face is computed, against the dataset's current
 * clusters. The index is tagged with the dataset's cluster generation; when a clustering run moved it, only the
 * clusters whose version (update time, face count) changed are reloaded, and deleted ones dropped.
 */
@Injectable()
export class ClusterMatchRegistry {
  private readonly logger = new Logger(ClusterMatchRegistry.name);
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly datasets: DatasetRepository,
    private readonly clusters: FigureClusterRepository,
  ) {}

  async match(datasetId: string, embeddings: Float32Array[], k: number): Promise<ClusterMatch[][]> {
    const index = await this.current(datasetId);
    return index.match(embeddings, k);
  }

  /** The dataset's index as of its current cluster generation. */
  async current(datasetId: string): Promise<ClusterMatchIndex> {
    const dataset = await this.datasets.findById(datasetId);
    const generation = dataset?.clusterGeneration ?? 0;
    let entry = this.entries.get(datasetId);
    if (!entry) {
      entry = { generation: -1, index: new ClusterMatchIndex(), refreshing: null };
      this.entries.set(datasetId, entry);
      this.evict();
    }
    this.entries.delete(datasetId);
    this.entries.set(datasetId, entry);
    if (entry.generation === generation) return entry.index;
    const e = entry;
    if (!e.refreshing) {
      e.refreshing = this.refresh(datasetId, e.index)
        .then((index) => {
          e.generation = generation;
          return index;
        })
        .finally(() => {
          e.refreshing = null;
        });
    }
    return e.refreshing;
  }

  private async refresh(datasetId: string, index: ClusterMatchIndex): Promise<ClusterMatchIndex> {
    const started = Date.now();
    const versions = await this.clusters.summaryVersions(datasetId);
    const present = new Set(versions.map((v) => v.id));
    index.remove([...index.versions.keys()].filter((id) => !present.has(id)));
    const changed = versions.filter((v) => index.versions.get(v.id) !== v.version);
    const versionOf = new Map(changed.map((v) => [v.id, v.version]));
    for (let i = 0; i < changed.length; i += PAGE) {
      const ids = changed.slice(i, i + PAGE).map((v) => v.id);
      const rows = await this.clusters.summaries(datasetId, ids);
      await index.load(rows.map((r) => ({ ...r, version: versionOf.get(r.id) ?? '' })));
    }
    if (changed.length > 100)
      this.logger.log(`Cluster index of ${datasetId}: ${changed.length} clusters loaded in ${Date.now() - started} ms`);
    return index;
  }

  private evict(): void {
    while (this.entries.size > MAX_DATASETS) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}
