import type { IncomingMessage } from 'node:http';
import { json, NextFunction, Request, Response, urlencoded } from 'express';
import { mapError } from './imm-error';
import { keepRawBody } from './raw-body';
import { requestIdOf } from './request-context';

const isForm = (req: IncomingMessage): boolean =>
  /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');

/**
 * JSON body parsing with the configured size limit. Any body but a form is parsed as JSON regardless of its
 * content type (IMM clients are not always careful with headers); parse errors become IMM InvalidJSON errors.
 */
export function jsonBodyParser(limitBytes: number) {
  return json({ limit: limitBytes, strict: true, type: (req) => !isForm(req), verify: keepRawBody });
}

/** Form bodies (the RPC clients' POST `/`): flat string parameters, lists flattened as `Files.1.URI`. */
export function formBodyParser(limitBytes: number) {
  return urlencoded({ limit: limitBytes, extended: false, parameterLimit: 10_000, type: isForm, verify: keepRawBody });
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
