import type { IncomingMessage } from 'node:http';
import { newRequestId, REQUEST_ID_HEADER, resolveRequestId } from '@app/observability';
import type { NextFunction, Request, Response } from 'express';

/**
 * The id of the request being served: a well-formed incoming `x-request-id`, else a new upper-case UUID.
 * The same value is IMM's RequestId, the `x-request-id` response header and the `reqId` of every log line.
 */
export function requestIdOf(req: unknown): string {
  if (!req || typeof req !== 'object' || !('headers' in req)) return newRequestId(); // not an HTTP request
  return resolveRequestId(req as IncomingMessage);
}

/** First middleware: gives every request an id and echoes it in `x-request-id`. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  res.setHeader(REQUEST_ID_HEADER, requestIdOf(req));
  next();
}
