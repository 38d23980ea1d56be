import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, GatewayConfig } from '@app/config';
import { DomainError } from '@app/contracts';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';

/** Paths that accept the key as `?token=` too (object stores cannot always set headers on webhooks). */
const tokenQueryPaths = new Set(['/api/v1/events/storage']);

/**
 * When API_KEY is configured, /api/v1/** requires it as `x-api-key` or `Authorization: Bearer <key>`.
 * Everything else (docs, health, dashboard) is left to its own module.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly key: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.key = config.API_KEY ? Buffer.from(config.API_KEY) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.key || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.path.startsWith('/api/v1/')) return true;
    const presented = presentedKey(req);
    if (presented !== null && this.matches(presented)) return true;
    throw new DomainError('Unauthorized', 'A valid API key is required (header x-api-key or Authorization: Bearer).');
  }

  private matches(presented: string): boolean {
    const candidate = Buffer.from(presented);
    return candidate.length === this.key!.length && timingSafeEqual(candidate, this.key!);
  }
}

export function presentedKey(req: Pick<Request, 'headers' | 'path' | 'query'>): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match) return match[1].trim();
  }
  if (tokenQueryPaths.has(req.path)) {
    const token = req.query['token'];
    if (typeof token === 'string' && token) return token;
  }
  return null;
}
