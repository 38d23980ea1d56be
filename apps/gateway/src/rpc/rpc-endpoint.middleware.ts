import { DomainError, ErrorCode } from '@app/contracts';
import type { NextFunction, Request, Response } from 'express';
import { sendImmError } from '../auth/authentication.middleware';
import { unflattenParams } from '../common/coerce-params';
import { immOperationNames } from '../common/imm-operation.decorator';
import { IMM_API_VERSION, rpcParams } from './rpc-params';

/** Parameters of the RPC protocol itself (signature, format, region), not of the operation. */
const PROTOCOL_PARAMS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Signature',
  'Timestamp',
  'RegionId',
  'SecurityToken',
]);

/**
 * Alibaba Cloud's RPC style at `/` (what `@alicloud/pop-core` and the generated IMM SDK send): GET or POST,
 * parameters in the query string, a form body or a JSON body (merged, the body winning), the operation in
 * `Action` or `x-acs-action`, the API version (2020-09-30, required) in `Version` or `x-acs-version`. The
 * request is handed to the same handler as `POST /api/v1/<Action>`, with the flattened lists nested again; the
 * handler's schema converts the string forms. Authentication has already run on the original request.
 */
export function rpcEndpoint(req: Request, res: Response, next: NextFunction): void {
  if (req.path !== '/' || (req.method !== 'GET' && req.method !== 'POST')) {
    next();
    return;
  }
  const params = rpcParams(req);
  const action = params['Action'] ?? header(req, 'x-acs-action');
  const version = params['Version'] ?? header(req, 'x-acs-version');
  const refusal =
    typeof action !== 'string' || !action
      ? new DomainError('MissingAction', 'Action is mandatory for this action.', ErrorCode.MissingParameter)
      : typeof version !== 'string' || !version
        ? new DomainError('MissingVersion', 'Version is mandatory for this action.', ErrorCode.MissingParameter)
        : version !== IMM_API_VERSION
          ? new DomainError(
              'InvalidVersion',
              `Specified parameter Version is not valid (use ${IMM_API_VERSION}).`,
              ErrorCode.InvalidParameter,
            )
          : !immOperationNames().has(action)
            ? new DomainError(
                'InvalidApi.NotFound',
                'Specified api is not found, please check your url and method.',
                ErrorCode.OperationNotSupported,
              )
            : null;
  if (refusal) {
    sendImmError(req, res, refusal);
    return;
  }
  const operationParams: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!PROTOCOL_PARAMS.has(name)) operationParams[name] = value;
  }
  req.body = unflattenParams(operationParams);
  req.method = 'POST';
  req.url = `/api/v1/${encodeURIComponent(action as string)}`;
  next();
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
