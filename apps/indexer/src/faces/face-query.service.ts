import { APP_CONFIG, IndexerConfig } from '@app/config';
import {
  cosineToSimilarity,
  DomainError,
  DomainEvent,
  FaceQueryAnswer,
  FaceQueryJob,
  FaceQueryResult,
  FaceQueryTimings,
  InvalidArgumentError,
  parseStorageUri,
  similarityToCosine,
  TaskStatus,
  toFigureClusterId,
} from '@app/contracts';
import { FileRepository, TaskRepository } from '@app/database';
import { FaceAnalyzer, ImageAnalysis } from '@app/inference';
import { DomainEventPublisher } from '@app/messaging';
import { StorageRepository } from '@app/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClusterMatchRegistry } from './cluster-match.registry';
import { toDetectedFigure } from './detected-figure';

/** Clusters returned per face by SearchImageFigureCluster (those at or above the match Similarity, best first). */
const CLUSTERS_PER_FACE = 5;
const SCAN_PAGE = 5000;

/** The face with the largest bounding box (IMM: CompareImageFaces and CreateFacesSearchingTask use it). */
export function largestFace<T extends { boundary: { width: number; height: number } }>(faces: T[]): T | undefined {
  let best: T | undefined;
  for (const f of faces)
    if (!best || f.boundary.width * f.boundary.height > best.boundary.width * best.boundary.height) best = f;
  return best;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function boxOf(face: { boundary: { left: number; top: number; width: number; height: number } }) {
  const b = face.boundary;
  return { Left: b.left, Top: b.top, Width: b.width, Height: b.height };
}

/** Decoded embedding of a stored figure (512 float32 little-endian). */
export function embeddingFromBuffer(buffer: Buffer): Float32Array {
  const out = new Float32Array(buffer.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readFloatLE(i * 4);
  return out;
}

/**
 * Answers questions about images without indexing them: DetectImageFaces, CompareImageFaces,
 * SearchImageFigureCluster (the gateway waits for these) and CreateFacesSearchingTask (recorded on the task).
 * Object-store and image errors come back as values with their IMM code, the same codes indexing records.
 */
@Injectable()
export class FaceQueryService {
  private readonly logger = new Logger(FaceQueryService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly storage: StorageRepository,
    private readonly pipeline: FaceAnalyzer,
    private readonly matches: ClusterMatchRegistry,
    private readonly files: FileRepository,
    private readonly tasks: TaskRepository,
    private readonly events: DomainEventPublisher,
  ) {}

  async run(job: FaceQueryJob): Promise<FaceQueryResult> {
    const timings: FaceQueryTimings = { fetch: 0, decode: 0, inference: 0, search: 0 };
    try {
      const answer = await this.answer(job, timings);
      return { ok: true, answer, timings };
    } catch (error) {
      // IMM errors (missing object, bad image, store unavailable) reach the client with their code; a
      // faces-searching task retries transient ones (its job fails and BullMQ retries it).
      if (error instanceof DomainError && (job.op !== 'faces-search' || !error.retryable))
        return { ok: false, code: error.code, message: error.message, kind: error.kind };
      throw error;
    }
  }

  private async answer(job: FaceQueryJob, timings: FaceQueryTimings): Promise<FaceQueryAnswer> {
    switch (job.op) {
      case 'detect': {
        const analysis = await this.analyze(job.uri, timings, true);
        return { op: 'detect', faces: analysis.faces.map(toDetectedFigure) };
      }
      case 'compare': {
        const [a, b] = await Promise.all(job.uris.map((uri) => this.analyze(uri, timings, false)));
        const fa = largestFace(a.faces);
        const fb = largestFace(b.faces);
        return {
          op: 'compare',
          similarity: fa && fb ? cosineToSimilarity(dot(fa.embedding, fb.embedding)) : null,
          faceCounts: [a.faces.length, b.faces.length],
        };
      }
      case 'search': {
        const analysis = await this.analyze(job.uri, timings, false);
        const started = performance.now();
        const found = await this.matches.match(
          job.datasetId,
          analysis.faces.map((f) => f.embedding),
          CLUSTERS_PER_FACE,
        );
        const minCosine = similarityToCosine(this.config.FACE_MATCH_SIMILARITY);
        const clusters = analysis.faces.flatMap((face, i) =>
          found[i]
            .filter((m) => m.cosine >= minCosine)
            .map((m) => ({
              clusterId: toFigureClusterId(m.clusterId),
              similarity: cosineToSimilarity(m.cosine),
              boundary: boxOf(face),
            })),
        );
        timings.search = performance.now() - started;
        return { op: 'search', clusters };
      }
      case 'faces-search':
        await this.facesSearch(job, timings);
        return { op: 'faces-search' };
    }
  }

  /** CreateFacesSearchingTask: for each source's largest face, the MaxResult most similar faces of the dataset. */
  private async facesSearch(
    job: Extract<FaceQueryJob, { op: 'faces-search' }>,
    timings: FaceQueryTimings,
  ): Promise<void> {
    const results: Array<Record<string, unknown>> = [];
    const queries: Array<{ index: number; embedding: Float32Array }> = [];
    let lastError: { code: string; message: string } | null = null;
    for (const uri of job.uris) {
      try {
        const face = largestFace((await this.analyze(uri, timings, false)).faces);
        results.push({ URI: uri, Faces: [] });
        if (face) queries.push({ index: results.length - 1, embedding: face.embedding });
      } catch (error) {
        if (!(error instanceof DomainError) || error.retryable) throw error;
        lastError = { code: error.code, message: error.message };
        results.push({ URI: uri, Faces: [], Error: { Code: error.code, Message: error.message } });
      }
    }
    const started = performance.now();
    if (queries.length > 0 && job.maxResult > 0) {
      const best = await this.scanFaces(job.datasetId, queries, job.maxResult);
      queries.forEach((q, i) => (results[q.index]['Faces'] = best[i]));
    }
    timings.search = performance.now() - started;
    const failed = results.filter((r) => r['Error']).length;
    const allFailed = failed === results.length;
    const finished = await this.tasks.finish(job.taskId, {
      status: allFailed ? TaskStatus.Failed : TaskStatus.Succeeded,
      ...(allFailed && lastError ? { code: lastError.code, message: lastError.message } : {}),
      ...(!allFailed && failed > 0 ? { message: `${failed} of ${results.length} sources failed.` } : {}),
      details: { Results: results },
    });
    if (finished) {
      await this.events.publish(DomainEvent.FacesSearchingFinished, {
        taskId: job.taskId,
        datasetId: job.datasetId,
        status: allFailed ? TaskStatus.Failed : TaskStatus.Succeeded,
      });
    }
  }

  /** Exhaustive scan of the dataset's faces in pages; keeps the `k` best per query. */
  private async scanFaces(
    datasetId: string,
    queries: Array<{ embedding: Float32Array }>,
    k: number,
  ): Promise<Array<Array<Record<string, unknown>>>> {
    const best = queries.map(() => [] as Array<{ score: number; row: Record<string, unknown> }>);
    let after: string | null = null;
    for (;;) {
      const page = await this.files.embeddingPage(datasetId, after, SCAN_PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      for (const row of page) {
        const e = embeddingFromBuffer(row.embedding);
        queries.forEach((q, i) => {
          const score = dot(q.embedding, e);
          const list = best[i];
          if (list.length === k && score <= list[k - 1].score) return;
          list.push({
            score,
            row: {
              FigureId: row.id,
              URI: row.uri,
              Boundary: { Left: row.left, Top: row.top, Width: row.width, Height: row.height },
            },
          });
          list.sort((x, y) => y.score - x.score);
          if (list.length > k) list.pop();
        });
      }
      if (page.length < SCAN_PAGE) break;
    }
    return best.map((list) => list.map(({ score, row }) => ({ ...row, Similarity: cosineToSimilarity(score) })));
  }

  private async analyze(uri: string, timings: FaceQueryTimings, attributes: boolean): Promise<ImageAnalysis> {
    const parsed = parseStorageUri(uri);
    if (!parsed || parsed.key === '') throw new InvalidArgumentError(`The URI ${uri.slice(0, 256)} is not valid.`);
    let started = performance.now();
    const object = await this.storage.get(parsed.bucket, parsed.key, this.config.MAX_OBJECT_BYTES);
    timings.fetch += performance.now() - started;
    started = performance.now();
    const analysis = await this.pipeline.analyze(object.body, {
      thumbnails: false,
      ...(attributes ? {} : { attributes: [] }),
    });
    const total = performance.now() - started;
    timings.decode += analysis.timings.decode;
    timings.inference += Math.max(0, total - analysis.timings.decode);
    this.logger.debug(`${uri}: ${analysis.faces.length} faces in ${Math.round(total)} ms`);
    return analysis;
  }
}
