import { InvalidArgumentError } from '@app/contracts';
import { z } from 'zod';
import { isoTime } from './imm-schemas';

/** Opaque IMM NextToken: base64url JSON of a keyset cursor. */
export function encodeNextToken(cursor: object): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** Decodes and validates a NextToken against the cursor schema; anything else is InvalidNextToken. */
export function decodeNextToken<S extends z.ZodType>(token: string | undefined, schema: S): z.infer<S> | undefined {
  if (token === undefined || token === '') return undefined;
  const invalid = (): InvalidArgumentError =>
    new InvalidArgumentError('The parameter NextToken is invalid or expired.', 'InvalidNextToken');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid();
  return parsed.data;
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
