import type { Request } from 'express';
import { isTokenQueryPath } from '../auth/public-paths';

/**
 * The operator key as `x-api-key` or `Authorization: Bearer <key>`; on the storage webhook also as `?token=`
 * (object stores cannot always set headers on webhooks). Checked by the authentication middleware.
 */
export function presentedKey(req: Pick<Request, 'headers' | 'path' | 'query'>): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match) return match[1].trim();
  }
  if (isTokenQueryPath(req.path)) {
    const token = req.query['token'];
    if (typeof token === 'string' && token) return token;
  }
  return null;
}
