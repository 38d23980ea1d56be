import OpenApiUtil from '@alicloud/openapi-util';
import { acs3Signature, parseAcs3Authorization, rpcSignatureV1, sha256Hex } from './signature';

// The reference is Alibaba Cloud's own signing code (@alicloud/openapi-util), not a copy of ours.
describe('Alibaba Cloud signatures', () => {
  const secret = 'testsecret-0123456789abcdefghij';

  it('signature version 1.0 equals getRPCSignature for GET and POST, with characters that need encoding', () => {
    const params = {
      Action: 'SimpleQuery',
      Version: '2020-09-30',
      AccessKeyId: 'FCKEY',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'nonce-1',
      Timestamp: '2026-12-03T14:00:00Z',
      Query: JSON.stringify({ Field: 'Figures.FigureClusterId', Operation: 'eq', Value: "Cluster-a b*c'(!)~" }),
      'Files.1.URI': 'oss://photos/a+b/ç.jpg',
    };
    for (const method of ['GET', 'POST']) {
      expect(rpcSignatureV1(method, params, secret)).toBe(OpenApiUtil.getRPCSignature(params, method, secret));
      expect(rpcSignatureV1(method, { ...params, Signature: 'ignored' }, secret)).toBe(
        OpenApiUtil.getRPCSignature(params, method, secret),
      );
    }
    expect(rpcSignatureV1('GET', params, `${secret}x`)).not.toBe(OpenApiUtil.getRPCSignature(params, 'GET', secret));
  });

  it('ACS3-HMAC-SHA256 equals getAuthorization over the same request', () => {
    const body = 'Files=%5B%7B%22URI%22%3A%22oss%3A%2F%2Fp%2Fa.jpg%22%7D%5D';
    const payloadHash = sha256Hex(body);
    const headers: Record<string, string> = {
      host: '127.0.0.1:3000',
      'x-acs-action': 'BatchIndexFileMeta',
      'x-acs-version': '2020-09-30',
      'x-acs-date': '2026-12-03T14:00:00Z',
      'x-acs-signature-nonce': 'n-2',
      'x-acs-content-sha256': payloadHash,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const query = { ProjectName: 'p', DatasetName: 'd', MaxResults: '100', Query: '{"Field":"Size","Value":"1 2"}' };
    const authorization = OpenApiUtil.getAuthorization(
      { pathname: '/', method: 'POST', query, headers } as unknown as Parameters<
        typeof OpenApiUtil.getAuthorization
      >[0],
      'ACS3-HMAC-SHA256',
      payloadHash,
      'FCKEY',
      secret,
    );
    const parsed = parseAcs3Authorization(authorization);
    expect(parsed).not.toBeNull();
    expect(parsed!.accessKeyId).toBe('FCKEY');
    const ours = acs3Signature(
      { method: 'POST', path: '/', query, headers, signedHeaders: parsed!.signedHeaders, payloadHash },
      secret,
    );
    expect(ours).toBe(parsed!.signature);
    expect(
      acs3Signature(
        {
          method: 'POST',
          path: '/',
          query: { ...query, MaxResults: '1' },
          headers,
          signedHeaders: parsed!.signedHeaders,
          payloadHash,
        },
        secret,
      ),
    ).not.toBe(parsed!.signature);
  });

  it('refuses malformed Authorization headers', () => {
    expect(parseAcs3Authorization('Bearer x')).toBeNull();
    expect(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=zz')).toBeNull();
  });
});
