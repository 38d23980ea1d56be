import { DomainError, statusForCode, unavailableKind } from '@app/contracts';
import { HttpException } from '@nestjs/common';

export interface ImmErrorBody {
  RequestId: string;
  Code: string;
  Message: string;
}

export interface MappedError {
  status: number;
  code: string;
  message: string;
}

/**
 * Maps anything thrown while serving a request to an IMM error (pure, no framework state).
 * Unknown errors become InternalError without details: no stack trace ever reaches a client.
 */
export function mapError(error: unknown, path = ''): MappedError {
  if (error instanceof DomainError) return { status: error.status, code: error.code, message: error.message };
  switch (unavailableKind(error)) {
    case 'timeout':
      return {
        status: 503,
        code: 'ServiceUnavailable',
        message: 'The request took longer than the database statement timeout (DATABASE_STATEMENT_TIMEOUT_MS).',
      };
    case 'unavailable':
      return {
        status: 503,
        code: 'ServiceUnavailable',
        message: 'The service is temporarily unavailable (a dependency is unreachable); retry later.',
      };
    case undefined:
      break;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) {
      const operation = path.replace(/^\/api\/v1\/?/, '').split('?')[0] ?? '';
      return {
        status: 404,
        code: 'OperationNotSupported',
        message: operation
          ? `The operation ${operation.slice(0, 128)} is not supported.`
          : 'The requested resource does not exist.',
      };
    }
    if (status === 401 || status === 403)
      return { status, code: 'Unauthorized', message: 'A valid API key is required.' };
    if (status === 413) return { status, code: 'PayloadTooLarge', message: 'The request body is too large.' };
    if (status < 500)
      return { status, code: status === 400 ? 'InvalidArgument' : 'InvalidArgument', message: messageOf(error) };
    return { status: 500, code: 'InternalError', message: 'An internal error occurred.' };
  }
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean } | null;
  if (bodyParserError && typeof bodyParserError.type === 'string' && typeof bodyParserError.status === 'number') {
    return mapBodyParserError(bodyParserError.type, bodyParserError.status);
  }
  return { status: 500, code: 'InternalError', message: 'An internal error occurred.' };
}

/** Errors of the JSON body parser (type codes from body-parser / raw-body). */
export function mapBodyParserError(type: string, status: number): MappedError {
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'InvalidJSON', message: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'PayloadTooLarge',
        message: 'The request body exceeds the configured size limit (BODY_LIMIT_BYTES).',
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'InvalidArgument', message: 'The request body must be UTF-8 encoded JSON.' };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return { status: 400, code: 'InvalidArgument', message: 'The request body could not be read.' };
    default:
      return {
        status: status >= 400 && status < 500 ? status : 400,
        code: 'InvalidArgument',
        message: 'The request body could not be read.',
      };
  }
}

function messageOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return error.message;
}

export function statusOf(code: string): number {
  return statusForCode(code);
}
