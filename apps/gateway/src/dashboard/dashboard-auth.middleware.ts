import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, GatewayConfig } from '@app/config';
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

export const DASHBOARD_COOKIE = 'facecluster_key';

/**
 * Access control for /dashboard and /admin/queues when API_KEY is set. A browser opens
 * `/dashboard?key=<API_KEY>` once: the key moves into an HttpOnly cookie and the URL is cleaned. Tools can send
 * `x-api-key`, `Authorization: Bearer <key>` or basic auth with the key as password (any user name).
 * Without a key the browser gets a basic-auth prompt.
 */
@Injectable()
export class DashboardAuthMiddleware implements NestMiddleware {
  private readonly key: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.key = config.API_KEY ? Buffer.from(config.API_KEY) : null;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!this.key) return next();
    const fromQuery = typeof req.query['key'] === 'string' ? req.query['key'] : null;
    if (fromQuery !== null && this.matches(fromQuery)) {
      res.cookie(DASHBOARD_COOKIE, fromQuery, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure });
      const url = new URL(req.originalUrl, 'http://local');
      url.searchParams.delete('key');
      res.redirect(303, `${url.pathname}${url.search}`);
      return;
    }
    const presented = presentedDashboardKey(req);
    if (presented !== null && this.matches(presented)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="facecluster dashboard", charset="UTF-8"');
    res
      .status(401)
      .type('text/plain')
      .send('A valid API key is required: open /dashboard?key=<API_KEY> or use basic auth with the key as password.\n');
  }

  private matches(presented: string): boolean {
    const candidate = Buffer.from(presented);
    return candidate.length === this.key!.length && timingSafeEqual(candidate, this.key!);
  }
}

export function presentedDashboardKey(req: Pick<Request, 'headers'>): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  if (bearer) return bearer[1].trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  const cookies = req.headers.cookie ?? '';
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === DASHBOARD_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}
