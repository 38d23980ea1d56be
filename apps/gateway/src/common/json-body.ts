import { json, NextFunction, Request, Response } from 'express';
import { mapError } from './imm-error';
import { requestIdOf } from './request-context';

/**
 * JSON body parsing with the configured size limit. Any body is parsed as JSON regardless of its content
 * type (IMM clients are not always careful with headers); parse errors become IMM InvalidJSON errors.
 */
export function jsonBodyParser(limitBytes: number) {
  return json({ limit: limitBytes, strict: true, type: () => true });
}

/** Express error middleware for errors raised before Nest routing (body parsing). */
export function bodyErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  const mapped = mapError(error, req.path);
  res.status(mapped.status).json({ RequestId: requestIdOf(req), Code: mapped.code, Message: mapped.message });
}
