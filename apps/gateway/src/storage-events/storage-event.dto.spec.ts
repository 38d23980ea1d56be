import { objectChanges } from './storage-event.dto';

const record = (eventName: string, key: string, bucket = 'photos') => ({
  eventName,
  s3: { bucket: { name: bucket }, object: { key } },
});

describe('bucket notification records', () => {
  it('decodes keys and classifies S3/MinIO event names', () => {
    const { changes, invalid } = objectChanges({
      Records: [
        record('s3:ObjectCreated:Put', 'a/summer+trip/%C3%BC.jpg'),
        record('ObjectRemoved:Delete', 'a/b.jpg'),
        record('s3:ObjectAccessed:Get', 'a/c.jpg'),
        record('s3:ObjectCreated:Put', 'a/folder/'),
      ],
    });
    expect(invalid).toEqual([]);
    expect(changes).toEqual([
      { kind: 'created', bucket: 'photos', key: 'a/summer trip/ü.jpg' },
      { kind: 'removed', bucket: 'photos', key: 'a/b.jpg' },
    ]);
  });

  it('reports keys that are not valid URL encoding', () => {
    expect(objectChanges({ Records: [record('s3:ObjectCreated:Put', '%E0%A4%A')] }).invalid).toEqual([
      'Records[0].s3.object.key',
    ]);
  });
});
