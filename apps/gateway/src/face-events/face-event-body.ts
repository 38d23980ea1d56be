import { FaceEventBody, FaceEventKind, toFigureClusterId } from '@app/contracts';
import { DueFaceEvent } from '@app/database';
import { createHmac } from 'node:crypto';

/** The link of an event's face thumbnail (a capability URL: its token is the only credential). */
export function thumbnailUrl(baseUrl: string, event: Pick<DueFaceEvent, 'id' | 'thumbnailToken'>): string {
  return `${baseUrl.replace(/\/+$/, '')}/face-events/${event.id}/thumbnail.jpg?token=${encodeURIComponent(event.thumbnailToken)}`;
}

/** The JSON POSTed for one event (pure). */
export function buildFaceEventBody(
  event: DueFaceEvent,
  names: { projectName: string; datasetName: string; clusterName?: string },
  baseUrl: string,
): FaceEventBody {
  return {
    EventId: event.id,
    EventType: event.kind as FaceEventKind,
    ProjectName: names.projectName,
    DatasetName: names.datasetName,
    URI: event.uri,
    FigureId: event.figureId,
    Boundary: event.boundary,
    Similarity: Math.round(event.similarity * 1e6) / 1e6,
    ...(event.kind === FaceEventKind.KnownPerson && event.clusterId
      ? { FigureClusterId: toFigureClusterId(event.clusterId), Name: names.clusterName ?? '' }
      : {}),
    ThumbnailURL: thumbnailUrl(baseUrl, event),
    Time: new Date(event.createTime).toISOString(),
  };
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the subscription's secret. */
export function signBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Delay before attempt `attempts + 1`: 1 s, 2 s, 4 s ... capped at 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}
