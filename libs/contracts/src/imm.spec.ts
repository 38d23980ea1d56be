import { parseFigureClusterId, parseStorageUri, toFigureClusterId } from './imm';
import { jobId } from './queues';

describe('IMM identifiers', () => {
  it('round-trips cluster ids and rejects malformed ones', () => {
    const uuid = '3f2b8a1c-1d2e-4f50-8a9b-0c1d2e3f4a5b';
    expect(parseFigureClusterId(toFigureClusterId(uuid))).toBe(uuid);
    expect(parseFigureClusterId('Cluster-not-a-uuid')).toBeNull();
    expect(parseFigureClusterId(`Cluster-${uuid}' OR 1=1 --`)).toBeNull();
  });

  it('parses oss:// and s3:// URIs and rejects others', () => {
    expect(parseStorageUri('oss://photos/a/b.jpg')).toEqual({ scheme: 'oss', bucket: 'photos', key: 'a/b.jpg' });
    expect(parseStorageUri('s3://photos/x.png')?.scheme).toBe('s3');
    expect(parseStorageUri('http://photos/x.png')).toBeNull();
    expect(parseStorageUri('oss://UPPER/x.png')).toBeNull();
    expect(parseStorageUri('oss:/photos/x.png')).toBeNull();
  });

  it.each([
    'oss://facecluster/../other-bucket/key',
    'oss://facecluster/a/../../other/key',
    'oss://facecluster/./key',
    'oss://facecluster/a\\..\\b',
    'oss://facecluster//key',
    'oss://facecluster/a\u0001b',
    'oss://facecluster/a\nb',
    'oss://facecluster/a\u007fb',
  ])('refuses %j (dot segments, control characters, a leading slash)', (uri) => {
    expect(parseStorageUri(uri)).toBeNull();
  });

  it('keeps keys that only look like dot segments', () => {
    expect(parseStorageUri('oss://facecluster/a..b/.hidden/x...jpg')?.key).toBe('a..b/.hidden/x...jpg');
  });

  it('builds deterministic job ids', () => {
    expect(jobId.indexFile('f1')).toBe(jobId.indexFile('f1'));
    expect(jobId.indexFile('f1')).not.toBe(jobId.indexFile('f2'));
    expect(jobId.scanBinding('b', 'k/ä')).toMatch(/^scan:b:[A-Za-z0-9_-]+$/);
  });
});
