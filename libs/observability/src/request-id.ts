import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** An accepted incoming request id: what proxies and IMM SDKs send (uuid-like, no spaces, bounded). */
const acceptable = /^[A-Za-z0-9._:-]{8,128}$/;

/** IMM-style request ids: upper-case UUIDs. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

interface WithRequestId {
  requestId?: string;
}

/**
 * The id of the request being served: the one already assigned (req.requestId), else a well-formed incoming
 * `x-request-id`, else a new upper-case UUID. Assigns it to `req.requestId`, so the pino log lines, the
 * `x-request-id` response header and the IMM body's RequestId are the same value.
 */
export function resolveRequestId(req: IncomingMessage): string {
  const holder = req as IncomingMessage & WithRequestId;
  if (typeof holder.requestId === 'string' && holder.requestId) return holder.requestId;
  const header = req.headers[REQUEST_ID_HEADER];
  const incoming = Array.isArray(header) ? header[0] : header;
  const id = incoming && acceptable.test(incoming) ? incoming : newRequestId();
  holder.requestId = id;
  return id;
}

/** pino-http's genReqId: same id as resolveRequestId, echoed in the response header. */
export function genRequestId(req: IncomingMessage, res: ServerResponse): string {
  const id = resolveRequestId(req);
  if (!res.headersSent && !res.getHeader(REQUEST_ID_HEADER)) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
