import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Set by a controller or guard to name the operation (e.g. the IMM action); defaults to the route pattern. */
export const OPERATION_LOCAL = 'operation';

/**
 * Times every HTTP request. The `operation` label is bounded: res.locals.operation, else the matched route
 * pattern (`/api/v1/:operation` style, never the raw URL), else "unmatched".
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.observeHttp(operationOf(req, res), req.method, res.statusCode, seconds);
    });
    next();
  }
}

export function operationOf(req: Request, res: Response): string {
  const named: unknown = (res.locals as Record<string, unknown>)[OPERATION_LOCAL];
  if (typeof named === 'string' && named) return named;
  const route: unknown = (req as unknown as { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  return 'unmatched';
}
