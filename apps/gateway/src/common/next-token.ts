import { APP_CONFIG, GatewayConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { isoTime } from './imm-schemas';

/**
 * Opaque IMM NextToken: `<base64url JSON of a keyset cursor>.<base64url HMAC-SHA256>`. The MAC covers the cursor and
 * the scope it was issued for (operation, project, dataset), so a forged token, or one of another list or dataset,
 * is refused before any of its content is read. The key is NEXT_TOKEN_SECRET (a random one per process when unset:
 * tokens then do not survive a restart and are not shared between replicas).
 */
@Injectable()
export class NextTokenCodec {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: Pick<GatewayConfig, 'NEXT_TOKEN_SECRET'>) {
    this.key = Buffer.from(config.NEXT_TOKEN_SECRET, 'utf8');
  }

  encode(scope: readonly string[], cursor: object): string {
    const payload = Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
    return `${payload}.${this.mac(scope, payload).toString('base64url')}`;
  }

  /** Verifies and decodes a NextToken against the cursor schema; anything else is InvalidNextToken. */
  decode<S extends z.ZodType>(token: string | undefined, scope: readonly string[], schema: S): z.infer<S> | undefined {
    if (token === undefined || token === '') return undefined;
    const invalid = (): DomainError =>
      new DomainError(ErrorCode.InvalidNextToken, 'The parameter NextToken is invalid or expired.');
    const match = /^([A-Za-z0-9_-]{1,8192})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) throw invalid();
    const [, payload, mac] = match;
    if (!timingSafeEqual(Buffer.from(mac, 'base64url'), this.mac(scope, payload))) throw invalid();
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalid();
    return parsed.data;
  }

  private mac(scope: readonly string[], payload: string): Buffer {
    const hmac = createHmac('sha256', this.key);
    for (const part of scope) hmac.update(`${part.length}:${part}\u0000`, 'utf8');
    return hmac.update(payload, 'utf8').digest();
  }
}

/**
 * One page of a keyset query that asked for `limit + 1` rows: the first `limit` rows, and the row the next page
 * continues after (the page's last row) when there is a next page.
 */
export function keysetPage<T>(rows: T[], limit: number): { page: T[]; continueAfter: T | undefined } {
  const page = rows.slice(0, limit);
  return { page, continueAfter: rows.length > limit ? page[page.length - 1] : undefined };
}

/** Cursor pieces shared by the list operations. */
export const cursorPart = {
  name: z.string().min(1).max(128),
  uuid: z.uuid(),
  time: isoTime,
};
