import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, GatewayConfig } from '@app/config';
import { DomainError } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { presentedKey } from '../common/api-key.guard';
import { mapError } from '../common/imm-error';
import { requestIdOf } from '../common/request-context';
import { presentedDashboardKey } from '../dashboard/dashboard-auth.middleware';
import { setPrincipal } from './principal';
import { SignatureVerifier } from './signature-verifier';
import { isBrowserPath, isDashboardPath, isPublicPath } from './public-paths';

/**
 * The one authentication gate, in front of every route the process serves (IMM operations, the RPC endpoint,
 * OpenAPI documents, dashboard, bull-board, metrics, unknown paths): Express middleware installed before the
 * router, so no route can be registered around it. With no credential configured everything is open (the local
 * default); otherwise only the explicit allow-list of public paths answers without one. Credentials: the
 * operator's API_KEY (header, Bearer; browsers also basic auth or the dashboard cookie) and, with
 * ACCESS_KEY_ENCRYPTION_KEY, Alibaba Cloud signed requests of an AccessKey. Both can be on at once.
 */
@Injectable()
export class AuthenticationMiddleware {
  private readonly operatorKey: Buffer | null;
  private readonly metricsPublic: boolean;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly signatures: SignatureVerifier,
  ) {
    this.operatorKey = config.API_KEY ? Buffer.from(config.API_KEY) : null;
    this.metricsPublic = config.METRICS_PUBLIC;
  }

  /** Whether any authentication is configured (false = open mode). */
  get enabled(): boolean {
    return this.operatorKey !== null || this.signatures.enabled;
  }

  readonly handle = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.enabled) {
      setPrincipal(req, { kind: 'open' });
      next();
      return;
    }
    if (this.signatures.enabled && this.signatures.isSigned(req)) {
      this.signatures.verify(req).then(
        (principal) => {
          setPrincipal(req, principal);
          next();
        },
        (error: unknown) => sendImmError(req, res, error),
      );
      return;
    }
    if (this.isOperator(req)) {
      setPrincipal(req, { kind: 'operator' });
      next();
      return;
    }
    if (isPublicPath(req.path, { metricsPublic: this.metricsPublic })) {
      next();
      return;
    }
    this.refuse(req, res);
  };

  private isOperator(req: Request): boolean {
    const candidates = [presentedKey(req)];
    if (isBrowserPath(req.path)) candidates.push(presentedDashboardKey(req));
    if (isDashboardPath(req.path)) {
      // The dashboard moves `?key=` into its cookie and cleans the URL (DashboardAuthMiddleware).
      const fromQuery = req.query['key'];
      if (typeof fromQuery === 'string') candidates.push(fromQuery);
    }
    return candidates.some((candidate) => candidate !== null && this.matchesOperatorKey(candidate));
  }

  private matchesOperatorKey(presented: string): boolean {
    const key = this.operatorKey;
    if (!key) return false;
    const candidate = Buffer.from(presented);
    return candidate.length === key.length && timingSafeEqual(candidate, key);
  }

  private refuse(req: Request, res: Response): void {
    if (isBrowserPath(req.path)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="facecluster", charset="UTF-8"');
      res
        .status(401)
        .type('text/plain')
        .send(
          'A valid API key is required: open /dashboard?key=<API_KEY> or use basic auth with the key as password.\n',
        );
      return;
    }
    sendImmError(
      req,
      res,
      new DomainError('Unauthorized', 'A valid API key is required (header x-api-key or Authorization: Bearer).'),
    );
  }
}

/** Writes an IMM error body for an error raised in Express middleware (outside Nest's exception filter). */
export function sendImmError(req: Request, res: Response, error: unknown): void {
  const mapped = mapError(error, req.path);
  res.status(mapped.status).json({ RequestId: requestIdOf(req), Code: mapped.code, Message: mapped.message });
}
