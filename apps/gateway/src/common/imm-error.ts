import { DomainError, ErrorCode, ErrorCodeTable } from '@app/contracts';
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

/** The IMM error of a code: its HTTP status always comes from the kind's row of the error code table. */
function immError(kind: ErrorCode, message: string, code: string = kind): MappedError {
  return { status: ErrorCodeTable[kind].status, code, message };
}

const internalError = (): MappedError => immError(ErrorCode.InternalError, 'An internal error occurred.');

/**
 * Maps anything thrown while serving a request to an IMM error (pure, no framework state).
 * Unknown errors become InternalError without details: no stack trace ever reaches a client.
 */
export function mapError(error: unknown, path = ''): MappedError {
  if (error instanceof DomainError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) {
      const operation = path.replace(/^\/api\/v1\/?/, '').split('?')[0] ?? '';
      return immError(
        ErrorCode.OperationNotSupported,
        operation
          ? `The operation ${operation.slice(0, 128)} is not supported.`
          : 'The requested resource does not exist.',
      );
    }
    if (status === 401) return immError(ErrorCode.Unauthorized, 'A valid API key is required.');
    if (status === 403) return immError(ErrorCode.Forbidden, 'The request is not allowed.');
    if (status === 413) return immError(ErrorCode.PayloadTooLarge, 'The request body is too large.');
    if (status === 415) return immError(ErrorCode.UnsupportedMediaType, messageOf(error));
    if (status < 500) return immError(ErrorCode.InvalidArgument, messageOf(error));
    return internalError();
  }
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean } | null;
  if (bodyParserError && typeof bodyParserError.type === 'string' && typeof bodyParserError.status === 'number') {
    return mapBodyParserError(bodyParserError.type);
  }
  return internalError();
}

/** Errors of the JSON body parser (type codes from body-parser / raw-body). */
export function mapBodyParserError(type: string): MappedError {
  switch (type) {
    case 'entity.parse.failed':
      return immError(ErrorCode.InvalidJSON, 'The request body is not valid JSON.');
    case 'entity.too.large':
      return immError(
        ErrorCode.PayloadTooLarge,
        'The request body exceeds the configured size limit (BODY_LIMIT_BYTES).',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return immError(ErrorCode.UnsupportedMediaType, 'The request body must be UTF-8 encoded JSON.');
    default:
      return immError(ErrorCode.InvalidArgument, 'The request body could not be read.');
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
