/**
 * FileRepository against real PostgreSQL: pending upserts, deletes by URI and by literal prefix, the failed and
 * indexed transitions, and the URI- or id-keyed pages of files and faces.
 */
import { FileRepository, NewFigure } from '@app/database';
import { createTestDataSource, entityFactories, EntityFactories, TestDataSource } from '@app/testing';

describe('FileRepository (real Postgres)', () => {
  let db: TestDataSource;
  let make: EntityFactories;
  let files: FileRepository;

  beforeAll(async () => {
    db = await createTestDataSource('files');
    make = entityFactories(db.dataSource);
    files = new FileRepository(db.dataSource);
  });

  afterAll(async () => {
    await db?.close();
  });

  const pending = (datasetId: string, key: string) => ({
    datasetId,
    uri: `oss://photos/${key}`,
    bucket: 'photos',
    objectKey: key,
  });
  const info = {
    etag: 'etag-1',
    size: 10,
    contentType: 'image/jpeg',
    fileModifiedTime: null,
    imageWidth: 100,
    imageHeight: 80,
    imageFormat: 'jpeg',
  };
  const face = (left: number): NewFigure => ({
    faceIndex: 0,
    left,
    top: 1,
    width: 20,
    height: 20,
    figureConfidence: 0.9,
    age: null,
    ageSD: null,
    gender: null,
    genderConfidence: null,
    pitch: null,
    roll: null,
    yaw: null,
    emotion: null,
    emotionConfidence: null,
    mouth: null,
    mouthConfidence: null,
    eyesOpen: null,
    sharpness: null,
    faceQuality: 0.9,
    isHD: true,
    embedding: Buffer.alloc(8),
    thumbnail: Buffer.from('jpeg'),
  });

  it('upserts pending files in input order and resets a failed one', async () => {
    const { id: datasetId } = await make.dataset();
    const first = await files.upsertPending([pending(datasetId, 'b.jpg'), pending(datasetId, 'a.jpg')]);
    expect(first.map((f) => f.objectKey)).toEqual(['b.jpg', 'a.jpg']);
    await files.markFailed(first[0].id, 'InvalidImage.Decode', 'x'.repeat(5000));
    const failed = (await files.findById(first[0].id))!;
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'InvalidImage.Decode', etag: null });
    expect(failed.errorMessage).toHaveLength(2000);
    const again = await files.upsertPending([
      { ...pending(datasetId, 'a.jpg'), customId: 'c-1' },
      pending(datasetId, 'b.jpg'),
    ]);
    expect(again.map((f) => f.id)).toEqual([first[1].id, first[0].id]);
    expect(again[0].customId).toBe('c-1');
    expect(again[1]).toMatchObject({ status: 'pending', errorCode: null, errorMessage: null });
    expect(await files.upsertPending([])).toEqual([]);
  });

  it('replaces the faces of a file on every index, in face order, and drops them on failure', async () => {
    const file = await make.file();
    const once = await files.completeIndexing(file.id, info, [face(1), face(2), face(3)]);
    const twice = await files.completeIndexing(file.id, info, [face(5), face(4)]);
    const stored = await files.figuresOfFiles([file.id]);
    expect(stored.map((f) => f.left)).toEqual([5, 4]);
    expect(stored.map((f) => f.faceIndex)).toEqual([0, 1]);
    expect(stored.map((f) => f.id).sort()).toEqual(twice.map((f) => f.id).sort());
    expect(stored.some((f) => once.some((o) => o.id === f.id))).toBe(false);
    expect(stored[0].embedding).toBeUndefined();
    expect(await files.thumbnail(stored[0].id)).toEqual(Buffer.from('jpeg'));
    expect(await files.findById(file.id)).toMatchObject({ status: 'indexed', figureCount: 2, imageWidth: 100 });
    await files.markFailed(file.id, 'InvalidImage.Truncated', 'cut');
    expect(await files.figuresOfFiles([file.id])).toEqual([]);
    expect(await files.findById(file.id)).toMatchObject({ status: 'failed', figureCount: 0 });
    expect(await files.completeIndexing('00000000-0000-4000-8000-000000000000', info, [face(1)])).toEqual([]);
  });

  it('deletes by URI and by a literal URI prefix (% and _ match themselves only)', async () => {
    const { id: datasetId } = await make.dataset();
    const other = await make.dataset();
    const keys = ['a/1.jpg', 'a/2.jpg', 'a_b/3.jpg', 'axb/4.jpg', 'a%/5.jpg', 'ab/6.jpg'];
    await files.upsertPending(keys.map((k) => pending(datasetId, k)));
    await files.upsertPending([pending(other.id, 'a/1.jpg')]);
    const uris = (deleted: Array<{ uri: string }>): string[] => deleted.map((d) => d.uri).sort();
    expect(uris(await files.deleteByUriPrefix(datasetId, 'oss://photos/a_'))).toEqual(['oss://photos/a_b/3.jpg']);
    expect(uris(await files.deleteByUriPrefix(datasetId, 'oss://photos/a%'))).toEqual(['oss://photos/a%/5.jpg']);
    expect(uris(await files.deleteByUriPrefix(datasetId, 'oss://photos/a/'))).toEqual([
      'oss://photos/a/1.jpg',
      'oss://photos/a/2.jpg',
    ]);
    expect(uris(await files.deleteByUris(datasetId, ['oss://photos/ab/6.jpg', 'oss://photos/none.jpg']))).toEqual([
      'oss://photos/ab/6.jpg',
    ]);
    expect(await files.deleteByUris(datasetId, [])).toEqual([]);
    expect(
      (
        await files.findByUris(
          datasetId,
          keys.map((k) => `oss://photos/${k}`),
        )
      ).map((f) => f.objectKey),
    ).toEqual(['axb/4.jpg']);
    expect(await files.findByUri(other.id, 'oss://photos/a/1.jpg')).not.toBeNull();
  });

  it('pages files by status and by cluster, and faces by state, without repeats', async () => {
    const { id: datasetId } = await make.dataset();
    const cluster = await make.figureCluster({ datasetId });
    const made = [];
    for (let i = 0; i < 7; i++) {
      const file = await make.file({ datasetId, objectKey: `p/${i}.jpg`, uri: `oss://photos/p/${i}.jpg` });
      made.push(file);
      if (i % 2 === 0) await make.figure({ fileId: file.id, clusterId: cluster.id });
      if (i % 2 === 0) await make.figure({ fileId: file.id, clusterId: cluster.id, faceIndex: 1 });
      else await make.figure({ fileId: file.id, clusterState: 'independent' });
    }
    await files.markFailed(made[6].id, 'InvalidImage.Decode', 'bad');
    const pageAll = async <T>(
      fetch: (after: string | undefined) => Promise<T[]>,
      keyOf: (row: T) => string,
    ): Promise<string[]> => {
      const out: string[] = [];
      let after: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await fetch(after);
        out.push(...page.map(keyOf));
        if (page.length < 2) break;
        after = keyOf(page[page.length - 1]);
      }
      return out;
    };
    expect(
      await pageAll(
        (after) => files.listByStatus(datasetId, 'pending', { after, limit: 2 }),
        (f) => f.uri,
      ),
    ).toEqual([0, 1, 2, 3, 4, 5].map((i) => `oss://photos/p/${i}.jpg`));
    // A file with two faces of the cluster appears once; file 6 lost its faces when it failed.
    expect(
      await pageAll(
        (after) => files.filesOfCluster(cluster.id, { after, limit: 2 }),
        (f) => f.uri,
      ),
    ).toEqual([0, 2, 4].map((i) => `oss://photos/p/${i}.jpg`));
    const independent = await pageAll(
      (after) => files.figuresInStates(datasetId, ['independent'], { after, limit: 2 }),
      (g) => g.id,
    );
    expect(independent).toHaveLength(3);
    expect(independent).toEqual([...independent].sort());
    expect(await files.figuresInStates(datasetId, ['independent', 'clustered'], { limit: 100 })).toHaveLength(9);
  });
});
