import { z } from 'zod';
import { DomainError } from '@app/contracts';
import { findNulString, formatPath, parseBody } from './validation';
import { decodeNextToken, encodeNextToken } from './next-token';
import { mapBodyParserError, mapError } from './imm-error';
import { presentedKey } from './api-key.guard';

const schema = z.strictObject({
  ProjectName: z.string().max(3),
  File: z.strictObject({ URI: z.string(), CustomLabels: z.record(z.string(), z.string()).optional() }).optional(),
});

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
}

describe('IMM request validation', () => {
  it('names missing, invalid and unknown fields with IMM codes', () => {
    expect(errorOf(() => parseBody(schema, {}))).toMatchObject({ code: 'MissingProjectName', status: 400 });
    expect(errorOf(() => parseBody(schema, { ProjectName: 'long' }))).toMatchObject({ code: 'InvalidProjectName' });
    expect(errorOf(() => parseBody(schema, { ProjectName: 'a', File: {} }))).toMatchObject({
      code: 'MissingURI',
      message: 'The parameter File.URI is required.',
    });
    const label = errorOf(() => parseBody(schema, { ProjectName: 'a', File: { URI: 'x', CustomLabels: { k: 1 } } }));
    expect(label.code).toBe('InvalidCustomLabels');
    expect(label.message).toContain('File.CustomLabels.k');
    const unknown = errorOf(() => parseBody(schema, { ProjectName: 'a', Nope: 1, Other: 2 }));
    expect(unknown).toMatchObject({ code: 'InvalidArgument', message: 'Unknown parameters: Nope, Other.' });
    expect(errorOf(() => parseBody(schema, [1]))).toMatchObject({ code: 'InvalidArgument' });
    expect(parseBody(z.strictObject({}), undefined)).toEqual({});
  });

  it('rejects NUL characters anywhere (PostgreSQL cannot store them)', () => {
    expect(findNulString({ A: [{ B: 'ok' }, { C: 'x\u0000' }] })).toBe('A[1].C');
    expect(findNulString({ A: { ['k\u0000']: 'v' } })).toBe('A');
    expect(findNulString({ A: 'fine' })).toBeNull();
    expect(errorOf(() => parseBody(schema, { ProjectName: 'a\u0000' }))).toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringContaining('ProjectName'),
    });
  });

  it('formats paths the IMM way', () => {
    expect(formatPath(['Files', 3, 'URI'])).toBe('Files[3].URI');
  });
});

describe('NextToken', () => {
  const cursor = z.strictObject({ p: z.string() });
  it('round-trips and rejects tampering', () => {
    expect(decodeNextToken(encodeNextToken({ p: 'abc' }), cursor)).toEqual({ p: 'abc' });
    expect(decodeNextToken('', cursor)).toBeUndefined();
    for (const bad of [
      '!!',
      encodeNextToken({ p: 1 }),
      encodeNextToken({ p: 'a', q: 1 }),
      Buffer.from('{').toString('base64url'),
    ]) {
      expect(errorOf(() => decodeNextToken(bad, cursor))).toMatchObject({ code: 'InvalidNextToken', status: 400 });
    }
  });
});

describe('error mapping', () => {
  it('never exposes internals', () => {
    expect(mapError(new Error('select * from secret'))).toEqual({
      status: 500,
      code: 'InternalError',
      message: 'An internal error occurred.',
    });
    expect(mapError(new DomainError('ResourceNotFound', 'gone'))).toEqual({
      status: 404,
      code: 'ResourceNotFound',
      message: 'gone',
    });
    expect(mapBodyParserError('entity.parse.failed').code).toBe('InvalidJSON');
    expect(mapBodyParserError('entity.too.large')).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
  });
});

describe('API key extraction', () => {
  const req = (headers: Record<string, string>, path = '/api/v1/ListProjects', query: Record<string, string> = {}) =>
    ({ headers, path, query }) as unknown as Parameters<typeof presentedKey>[0];
  it('reads x-api-key, Bearer, and ?token= only on the storage webhook', () => {
    expect(presentedKey(req({ 'x-api-key': 'k1' }))).toBe('k1');
    expect(presentedKey(req({ authorization: 'Bearer k2' }))).toBe('k2');
    expect(presentedKey(req({}, '/api/v1/ListProjects', { token: 'k3' }))).toBeNull();
    expect(presentedKey(req({}, '/api/v1/events/storage', { token: 'k3' }))).toBe('k3');
  });
});
