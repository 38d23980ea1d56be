import { parse as parseQueryString } from 'node:querystring';
import { DomainError, ErrorCode } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { rawBodyOf } from '../common/raw-body';
import { AccessKeyService } from './access-key.service';
import { NonceStore, SIGNATURE_WINDOW_MS } from './nonce.store';
import type { Principal } from './principal';
import { acs3Signature, parseAcs3Authorization, rpcSignatureV1, safeEqual, sha256Hex } from './signature';

/** Alibaba Cloud's gateway errors for signed requests (codes and messages as its POP gateway sends; statuses from the error code table). */
const refusals = {
  keyNotFound: () => new DomainError(ErrorCode.InvalidAccessKeyIdNotFound, 'Specified access key is not found.'),
  keyInactive: () => new DomainError(ErrorCode.InvalidAccessKeyIdInactive, 'Specified access key is disabled.'),
  timestampFormat: () =>
    new DomainError(
      'InvalidTimeStamp.Format',
      'Specified time stamp or date value is not well formatted.',
      ErrorCode.InvalidTimeStamp,
    ),
  timestampExpired: () =>
    new DomainError(
      'InvalidTimeStamp.Expired',
      'Specified time stamp or date value is expired.',
      ErrorCode.InvalidTimeStamp,
    ),
  nonceUsed: () => new DomainError(ErrorCode.SignatureNonceUsed, 'Specified signature nonce was used already.'),
  mismatch: () =>
    new DomainError(ErrorCode.SignatureDoesNotMatch, 'Specified signature is not matched with our calculation.'),
  method: () => new DomainError(ErrorCode.InvalidSignatureMethod, 'Specified signature method is not valid.'),
  incomplete: (detail: string) =>
    new DomainError(
      ErrorCode.IncompleteSignature,
      `The request signature does not conform to Aliyun standards: ${detail}`,
    ),
  missing: (name: string) =>
    new DomainError(`Missing${name}`, `${name} is mandatory for this action.`, ErrorCode.MissingParameter),
};

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** What a signed request claims, before it is checked. */
interface SignedClaim {
  accessKeyId: string;
  timestamp: string;
  nonce: string;
  /** Recomputes the signature with the secret and compares it in constant time. */
  matches(secret: string): boolean;
}

/**
 * Verifies Alibaba Cloud signed requests: signature version 1.0 (HMAC-SHA1, RPC parameters) and
 * ACS3-HMAC-SHA256 (Authorization header). Order: well-formed, known and active key, time within 15 minutes,
 * signature, then the nonce is claimed (so a forged request cannot burn someone's nonce). Nothing about the
 * expected signature or the string to sign is logged or returned.
 */
@Injectable()
export class SignatureVerifier {
  constructor(
    private readonly accessKeys: AccessKeyService,
    private readonly nonces: NonceStore,
  ) {}

  get enabled(): boolean {
    return this.accessKeys.enabled;
  }

  /** Whether the request carries a signature of either kind. */
  isSigned(req: Request): boolean {
    return /^ACS3-/i.test(req.headers.authorization ?? '') || this.v1Params(req)?.['Signature'] !== undefined;
  }

  async verify(req: Request): Promise<Principal> {
    const claim = /^ACS3-/i.test(req.headers.authorization ?? '') ? this.acs3Claim(req) : this.v1Claim(req);
    const key = await this.accessKeys.resolve(claim.accessKeyId);
    if (!key) throw refusals.keyNotFound();
    if (key.revoked) throw refusals.keyInactive();
    if (!ISO_TIMESTAMP.test(claim.timestamp)) throw refusals.timestampFormat();
    const skew = Math.abs(Date.now() - Date.parse(claim.timestamp));
    if (!Number.isFinite(skew)) throw refusals.timestampFormat();
    if (skew > SIGNATURE_WINDOW_MS) throw refusals.timestampExpired();
    if (!claim.matches(key.secret)) throw refusals.mismatch();
    if (!(await this.nonces.claim(key.accessKeyId, claim.nonce))) throw refusals.nonceUsed();
    return { kind: 'access-key', accessKeyId: key.accessKeyId, projects: key.projects };
  }

  /** Query string and form body, all single strings (the parameters signature 1.0 covers), or null. */
  private v1Params(req: Request): Record<string, string> | null {
    const params: Record<string, string> = {};
    const add = (source: unknown): boolean => {
      if (!source || typeof source !== 'object') return true;
      for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
        if (typeof value !== 'string') return false;
        Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return true;
    };
    const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
    if (!add(req.query) || (form && !add(req.body))) return null;
    return params;
  }

  private v1Claim(req: Request): SignedClaim {
    const params = this.v1Params(req);
    if (!params) throw refusals.incomplete('repeated or nested parameters');
    const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
    // Signature 1.0 covers the parameters only: a body it does not cover is refused rather than trusted.
    if (!form && rawBodyOf(req).length > 0 && rawBodyOf(req).toString('utf8').trim() !== '{}')
      throw refusals.incomplete('signature version 1.0 covers no JSON body');
    for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'Timestamp'] as const) {
      if (!params[name]) throw refusals.missing(name);
    }
    if (params['SignatureMethod'] !== 'HMAC-SHA1') throw refusals.method();
    if ((params['SignatureVersion'] ?? '1.0') !== '1.0') throw refusals.incomplete('SignatureVersion must be 1.0');
    const presented = params['Signature'];
    return {
      accessKeyId: params['AccessKeyId'],
      timestamp: params['Timestamp'],
      nonce: params['SignatureNonce'],
      matches: (secret) => safeEqual(rpcSignatureV1(req.method, params, secret), presented),
    };
  }

  private acs3Claim(req: Request): SignedClaim {
    const authorization = parseAcs3Authorization(req.headers.authorization ?? '');
    if (!authorization) throw refusals.incomplete('malformed Authorization header');
    const header = (name: string): string => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const signed = new Set(authorization.signedHeaders.map((h) => h.toLowerCase()));
    for (const name of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      if (!header(name)) throw refusals.incomplete(`the ${name} header is missing`);
      if (!signed.has(name)) throw refusals.incomplete(`the ${name} header must be signed`);
    }
    for (const name of Object.keys(req.headers)) {
      if (name.startsWith('x-acs-') && !signed.has(name))
        throw refusals.incomplete(`the ${name} header must be signed`);
    }
    const payloadHash = header('x-acs-content-sha256');
    const bodyMatches = safeEqual(sha256Hex(rawBodyOf(req)), payloadHash.toLowerCase());
    const [path, rawQuery = ''] = req.originalUrl.split('?', 2);
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(parseQueryString(rawQuery))) {
      if (typeof value !== 'string') throw refusals.incomplete('repeated query parameters');
      Object.defineProperty(query, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return {
      accessKeyId: authorization.accessKeyId,
      timestamp: header('x-acs-date'),
      nonce: header('x-acs-signature-nonce'),
      matches: (secret) =>
        bodyMatches &&
        safeEqual(
          acs3Signature(
            { method: req.method, path, query, headers: req.headers, signedHeaders: [...signed], payloadHash },
            secret,
          ),
          authorization.signature,
        ),
    };
  }
}
