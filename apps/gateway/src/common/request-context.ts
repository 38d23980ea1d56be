import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** IMM-style request ids: upper-case UUIDs. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

interface WithRequestId {
  requestId?: string;
}

/** The id of the request being served (assigned by requestIdMiddleware). */
export function requestIdOf(req: unknown): string {
  const holder = req as WithRequestId | undefined;
  if (holder && typeof holder.requestId === 'string') return holder.requestId;
  const id = newRequestId();
  if (holder && typeof holder === 'object') holder.requestId = id;
  return id;
}

/** First middleware: gives every request an id and echoes it in `x-request-id`. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = requestIdOf(req);
  res.setHeader('x-request-id', id);
  next();
}
