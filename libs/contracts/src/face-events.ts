/**
 * Stranger / known-person events (an extension of IMM): a dataset's event subscription and the body POSTed to it.
 * The body is signed: header `X-Facecluster-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`.
 */
export const FaceEventKind = { Stranger: 'Stranger', KnownPerson: 'KnownPerson' } as const;
export type FaceEventKind = (typeof FaceEventKind)[keyof typeof FaceEventKind];

export const FACE_EVENT_SIGNATURE_HEADER = 'x-facecluster-signature';

/** Stored on the dataset (`datasets.event_subscription`). */
export interface FaceEventSubscription {
  endpoint: string;
  secret?: string;
  events: FaceEventKind[];
  /** One alert per stranger (and per known person) within this many seconds. */
  windowSeconds: number;
}

export interface FaceEventBody {
  EventId: string;
  EventType: FaceEventKind;
  ProjectName: string;
  DatasetName: string;
  URI: string;
  FigureId: string;
  Boundary: { Left: number; Top: number; Width: number; Height: number };
  /** The best Similarity to any cluster of the dataset (0 when it has none). */
  Similarity: number;
  /** KnownPerson only: the matched cluster. */
  FigureClusterId?: string;
  Name?: string;
  /** GET it for the face's JPEG thumbnail (no credentials needed: the link carries its own signature). */
  ThumbnailURL: string;
  Time: string;
}
