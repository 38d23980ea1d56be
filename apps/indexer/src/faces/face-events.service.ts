import { APP_CONFIG, IndexerConfig } from '@app/config';
import { cosineToSimilarity, FaceEventKind, FaceEventSubscription, similarityToCosine } from '@app/contracts';
import { DatasetRepository, FaceEventRepository, FigureEntity, NewFaceEvent } from '@app/database';
import { DetectedFace } from '@app/inference';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ClusterMatchRegistry } from './cluster-match.registry';
import { dot, embeddingFromBuffer } from './face-query.service';

/** What was decided about the faces of one image before they are stored. */
export interface FaceEventPlan {
  datasetId: string;
  subscription: FaceEventSubscription;
  /** Per face (in order): its best cluster and mean cosine to it, or null when the dataset has no cluster. */
  best: Array<{ clusterId: string; cosine: number } | null>;
}

export type FaceDecision =
  | { kind: 'Stranger'; similarity: number; sameAs: string | null }
  | { kind: 'KnownPerson'; clusterId: string; similarity: number; sameAs: string | null };

/**
 * Pure: the event of each face, given its best cluster, the events of the window and the thresholds. A stranger
 * within `sameCosine` of a recent stranger is that stranger again (`sameAs`); a known person already announced
 * in the window likewise. Two faces of one image are never the same person.
 */
export function decideFaceEvents(
  faces: Array<{ embedding: Float32Array; best: { clusterId: string; cosine: number } | null }>,
  recent: Array<{ id: string; kind: string; clusterId: string | null; embedding: Float32Array | null }>,
  thresholds: { matchCosine: number; sameCosine: number },
): FaceDecision[] {
  return faces.map((face) => {
    const best = face.best;
    const similarity = cosineToSimilarity(best?.cosine ?? 0);
    if (best && best.cosine >= thresholds.matchCosine) {
      const seen = recent.find((r) => r.kind === FaceEventKind.KnownPerson && r.clusterId === best.clusterId);
      return { kind: 'KnownPerson', clusterId: best.clusterId, similarity, sameAs: seen?.id ?? null };
    }
    let sameAs: string | null = null;
    let closest = thresholds.sameCosine;
    for (const r of recent) {
      if (r.kind !== FaceEventKind.Stranger || !r.embedding) continue;
      const cosine = dot(face.embedding, r.embedding);
      if (cosine >= closest) {
        closest = cosine;
        sameAs = r.id;
      }
    }
    return { kind: 'Stranger', similarity, sameAs };
  });
}

/**
 * Stranger / known-person events of a dataset with an event subscription, decided right after a face is computed
 * against the dataset's current clusters, and recorded in the transaction that stores the faces (so an event is
 * never lost between indexing and delivery: the gateway delivers from the table).
 */
@Injectable()
export class FaceEventsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly datasets: DatasetRepository,
    private readonly events: FaceEventRepository,
    private readonly matches: ClusterMatchRegistry,
  ) {}

  /** Matches the faces against the clusters (outside the transaction); null when the dataset subscribes to nothing. */
  async plan(datasetId: string, faces: DetectedFace[]): Promise<FaceEventPlan | null> {
    if (faces.length === 0) return null;
    const dataset = await this.datasets.findById(datasetId);
    const subscription = dataset?.eventSubscription;
    if (!subscription || subscription.events.length === 0) return null;
    const found = await this.matches.match(
      datasetId,
      faces.map((f) => f.embedding),
      1,
    );
    return { datasetId, subscription, best: found.map((m) => m[0] ?? null) };
  }

  /** In the faces' transaction: decide against the window's events under the dataset's lock, and write. */
  async record(manager: EntityManager, plan: FaceEventPlan, saved: FigureEntity[], uri: string): Promise<number> {
    const writer = this.events.writer(manager);
    await writer.lockDataset(plan.datasetId);
    const windowSeconds = plan.subscription.windowSeconds || this.config.STRANGER_WINDOW_SECONDS;
    const recent = await writer.recent(plan.datasetId, new Date(Date.now() - windowSeconds * 1000));
    const decisions = decideFaceEvents(
      saved.map((figure, i) => ({ embedding: embeddingFromBuffer(figure.embedding), best: plan.best[i] ?? null })),
      recent.map((r) => ({ ...r, embedding: r.embedding ? embeddingFromBuffer(r.embedding) : null })),
      {
        matchCosine: similarityToCosine(this.config.FACE_MATCH_SIMILARITY),
        sameCosine: similarityToCosine(this.config.STRANGER_SAME_SIMILARITY),
      },
    );
    const wanted = new Set(plan.subscription.events);
    const inserts: NewFaceEvent[] = [];
    for (const [i, decision] of decisions.entries()) {
      if (decision.kind === 'KnownPerson' && !wanted.has(FaceEventKind.KnownPerson)) continue;
      if (decision.sameAs) {
        await writer.addSighting(decision.sameAs);
        continue;
      }
      const figure = saved[i];
      inserts.push({
        datasetId: plan.datasetId,
        kind: decision.kind,
        figureId: figure.id,
        uri,
        boundary: { Left: figure.left, Top: figure.top, Width: figure.width, Height: figure.height },
        similarity: decision.similarity,
        clusterId: decision.kind === 'KnownPerson' ? decision.clusterId : null,
        // Strangers keep their embedding to be recognised within the window; both keep the thumbnail.
        embedding: decision.kind === 'Stranger' ? figure.embedding : null,
        thumbnail: figure.thumbnail,
        thumbnailToken: randomBytes(24).toString('base64url'),
        deliver: wanted.has(decision.kind),
      });
    }
    await writer.insert(inserts);
    return inserts.filter((e) => e.deliver).length;
  }
}
