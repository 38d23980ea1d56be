/**
 * The IMM error codes of the service. Every domain error names one of them (its `kind`); the table below is the
 * one place that decides the HTTP status an error gets (the gateway's exception filter) and whether repeating
 * the same operation later can succeed (the workers' retry decisions). A `code` may refine its kind, e.g.
 * `ResourceNotFound.Object` or `MissingProjectName`; the refinement is what the client sees, the kind decides.
 */
export const ErrorCode = {
  InvalidArgument: 'InvalidArgument',
  InvalidJSON: 'InvalidJSON',
  MissingParameter: 'MissingParameter',
  InvalidParameter: 'InvalidParameter',
  /** The bytes of an object are not a usable image (empty, corrupt, unsupported, too large). */
  InvalidImage: 'InvalidImage',
  PayloadTooLarge: 'PayloadTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  ResourceNotFound: 'ResourceNotFound',
  ResourceAlreadyExists: 'ResourceAlreadyExists',
  LimitExceededError: 'LimitExceededError',
  OperationNotSupported: 'OperationNotSupported',
  ConcurrentModification: 'ConcurrentModification',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  // Alibaba Cloud RPC signature errors (placeholders until the signed endpoint uses them).
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  IncompleteSignature: 'IncompleteSignature',
  InvalidAccessKeyId: 'InvalidAccessKeyId',
  InvalidTimeStamp: 'InvalidTimeStamp',
  SignatureNonceUsed: 'SignatureNonceUsed',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorCodeSpec {
  /** HTTP status of the IMM error body. */
  status: number;
  /** Whether the same operation, repeated later unchanged, can succeed (workers retry only these). */
  retryable: boolean;
}

export const ErrorCodeTable: { readonly [C in ErrorCode]: ErrorCodeSpec } = {
  InvalidArgument: { status: 400, retryable: false },
  InvalidJSON: { status: 400, retryable: false },
  MissingParameter: { status: 400, retryable: false },
  InvalidParameter: { status: 400, retryable: false },
  InvalidImage: { status: 400, retryable: false },
  PayloadTooLarge: { status: 413, retryable: false },
  UnsupportedMediaType: { status: 415, retryable: false },
  ResourceNotFound: { status: 404, retryable: false },
  ResourceAlreadyExists: { status: 409, retryable: false },
  LimitExceededError: { status: 400, retryable: false },
  OperationNotSupported: { status: 404, retryable: false },
  // The competing writer has finished: re-reading and retrying can succeed.
  ConcurrentModification: { status: 409, retryable: true },
  Unauthorized: { status: 401, retryable: false },
  Forbidden: { status: 403, retryable: false },
  SignatureDoesNotMatch: { status: 400, retryable: false },
  IncompleteSignature: { status: 400, retryable: false },
  InvalidAccessKeyId: { status: 404, retryable: false },
  InvalidTimeStamp: { status: 400, retryable: false },
  SignatureNonceUsed: { status: 400, retryable: false },
  InternalError: { status: 500, retryable: true },
  ServiceUnavailable: { status: 503, retryable: true },
};

/**
 * An error with an IMM code. `new DomainError(ErrorCode.ConcurrentModification, message)` when the code is a
 * kind of the table; `new DomainError('ResourceNotFound.Object', message, ErrorCode.ResourceNotFound)` for a
 * refined code. Status and retryability always come from the kind's row of {@link ErrorCodeTable}.
 */
export class DomainError extends Error {
  readonly kind: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string);
  constructor(code: string, message: string, kind: ErrorCode);
  constructor(
    readonly code: string,
    message: string,
    kind?: ErrorCode,
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind ?? (code as ErrorCode);
    const spec = ErrorCodeTable[this.kind];
    this.status = spec.status;
    this.retryable = spec.retryable;
  }
}

export class ResourceNotFoundError extends DomainError {
  constructor(message: string, code: string = ErrorCode.ResourceNotFound) {
    super(code, message, ErrorCode.ResourceNotFound);
  }
}

export class ResourceAlreadyExistsError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.ResourceAlreadyExists, message);
  }
}

export class InvalidArgumentError extends DomainError {
  constructor(message: string, code: string = ErrorCode.InvalidArgument) {
    super(code, message, ErrorCode.InvalidArgument);
  }
}

export class LimitExceededError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.LimitExceededError, message);
  }
}
