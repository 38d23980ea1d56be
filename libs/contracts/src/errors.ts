/**
 * Domain errors carry an IMM error code; the gateway's exception filter maps them to
 * `{ RequestId, Code, Message }` with the status below. Workers record code and message on files and tasks.
 */
export const ErrorStatus: Record<string, number> = {
  InvalidArgument: 400,
  InvalidJSON: 400,
  MissingParameter: 400,
  InvalidParameter: 400,
  PayloadTooLarge: 413,
  ResourceNotFound: 404,
  ResourceAlreadyExists: 409,
  LimitExceededError: 400,
  OperationNotSupported: 404,
  Unauthorized: 401,
  ConcurrentModification: 409,
  InternalError: 500,
  ServiceUnavailable: 503,
};

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = statusForCode(code),
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function statusForCode(code: string): number {
  if (code.startsWith('Missing')) return 400;
  if (code.startsWith('Invalid')) return 400;
  const family = code.split('.')[0];
  if (Object.hasOwn(ErrorStatus, code)) return ErrorStatus[code];
  return Object.hasOwn(ErrorStatus, family) ? ErrorStatus[family] : 400;
}

export class ResourceNotFoundError extends DomainError {
  constructor(message: string) {
    super('ResourceNotFound', message, 404);
  }
}

export class ResourceAlreadyExistsError extends DomainError {
  constructor(message: string) {
    super('ResourceAlreadyExists', message, 409);
  }
}

export class InvalidArgumentError extends DomainError {
  constructor(message: string, code = 'InvalidArgument') {
    super(code, message, 400);
  }
}

export class LimitExceededError extends DomainError {
  constructor(message: string) {
    super('LimitExceededError', message, 400);
  }
}

/** Error codes recorded on files whose indexing cannot succeed by retrying. */
export const FileErrorCode = {
  ObjectNotFound: 'ResourceNotFound.Object',
  BucketNotFound: 'ResourceNotFound.Bucket',
  ObjectTooLarge: 'InvalidImage.TooLarge',
} as const;
