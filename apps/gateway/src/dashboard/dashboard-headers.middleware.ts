import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * The dashboard's pages run no script at all and load only their own images: the strictest policy that still
 * renders them (inline styles: the page's one <style> and the face boxes' positions).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "img-src 'self'",
  "style-src 'unsafe-inline'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Served bytes are never a document: no scripts, no plugins, a sandbox even when opened directly. */
export const IMAGE_CSP = "default-src 'none'; sandbox";

@Injectable()
export class DashboardHeadersMiddleware implements NestMiddleware {
  use(_req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  }
}
