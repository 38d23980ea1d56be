import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Alibaba Cloud's two request signatures, verified exactly as its SDKs compute them (@alicloud/pop-core,
 * @alicloud/openapi-util). Pure functions: the caller supplies the secret and compares in constant time.
 */

/** Alibaba's percent-encoding: encodeURIComponent plus `!'()*`. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Signature version 1.0 (HMAC-SHA1), the RPC style: every parameter but `Signature`, sorted by name,
 * `encode(name)=encode(value)` joined with `&`; string to sign `METHOD&%2F&encode(that)`; key `secret&`; base64.
 */
export function rpcSignatureV1(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${acsEncode(name)}=${acsEncode(params[name])}`)
    .join('&');
  const stringToSign = `${method.toUpperCase()}&${acsEncode('/')}&${acsEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=a;b,Signature=<hex>`, or null when malformed. */
export function parseAcs3Authorization(header: string): Acs3Authorization | null {
  const match = /^ACS3-HMAC-SHA256\s+(.+)$/.exec(header.trim());
  if (!match) return null;
  const fields = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || signedHeaders === undefined || !signature || !/^[0-9a-f]{64}$/.test(signature)) return null;
  return { accessKeyId, signedHeaders: signedHeaders.split(';').filter(Boolean), signature };
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export interface Acs3Request {
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  signedHeaders: string[];
  /** The hex SHA-256 of the body (`x-acs-content-sha256`). */
  payloadHash: string;
}

/**
 * ACS3-HMAC-SHA256: canonical request = method, path, sorted query (`name=encode(value)`), the signed headers
 * (`name:trimmed value` lines), the signed header names and the payload hash, joined by newlines; string to
 * sign = `ACS3-HMAC-SHA256\n` + hex SHA-256 of it; signature = hex HMAC-SHA256 with the secret.
 */
export function acs3Signature(request: Acs3Request, secret: string): string {
  const canonicalPath = request.path.replace('+', '%20').replace('*', '%2A').replace('%7E', '~');
  const canonicalQuery = Object.keys(request.query)
    .sort()
    .map((name) => `${name}=${acsEncode(request.query[name])}`)
    .join('&');
  const names = [...request.signedHeaders].map((h) => h.toLowerCase()).sort();
  const canonicalHeaders = names
    .map((name) => {
      const value = request.headers[name];
      const values = (Array.isArray(value) ? value : [value ?? '']).map((v) => v.trim()).sort();
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    names.join(';'),
    request.payloadHash,
  ].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

/** Constant-time string comparison (lengths compared first: they are not secret). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
