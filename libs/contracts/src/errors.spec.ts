import { DomainError, ErrorCode, ErrorCodeTable, InvalidArgumentError, ResourceNotFoundError } from './errors';

describe('error code table', () => {
  it('gives every code of the enum a status and a retryability', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(ErrorCodeTable[code].status).toBeGreaterThanOrEqual(400);
      expect(typeof ErrorCodeTable[code].retryable).toBe('boolean');
    }
    expect(Object.keys(ErrorCodeTable).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('decides retryability by code, not by the status class', () => {
    expect(new DomainError(ErrorCode.ServiceUnavailable, 'later')).toMatchObject({ status: 503, retryable: true });
    expect(new DomainError(ErrorCode.ConcurrentModification, 'again')).toMatchObject({ status: 409, retryable: true });
    expect(new DomainError(ErrorCode.ResourceAlreadyExists, 'taken')).toMatchObject({ status: 409, retryable: false });
    expect(new InvalidArgumentError('bad')).toMatchObject({ code: 'InvalidArgument', status: 400, retryable: false });
  });

  it('keeps a refined code while the kind decides status and retryability', () => {
    const error = new ResourceNotFoundError('no object', 'ResourceNotFound.Object');
    expect(error).toMatchObject({ code: 'ResourceNotFound.Object', kind: 'ResourceNotFound', status: 404 });
    expect(error.retryable).toBe(false);
    const missing = new DomainError('MissingProjectName', 'required', ErrorCode.MissingParameter);
    expect(missing).toMatchObject({ code: 'MissingProjectName', status: 400, retryable: false });
  });
});
