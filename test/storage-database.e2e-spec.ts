import { ProjectRepository, DatasetRepository, FileRepository, createDataSource } from '@app/database';
import { ObjectNotFoundError, StorageRepository } from '@app/storage';
import { createTestDatabase, startTestS3, TestDatabase, TestS3 } from '@app/testing';
import { DataSource } from 'typeorm';

describe('metadata store and object store (real Postgres, real S3 server)', () => {
  let db: TestDatabase;
  let s3: TestS3;
  let dataSource: DataSource;

  beforeAll(async () => {
    [db, s3] = await Promise.all([createTestDatabase('store'), startTestS3(['photos'])]);
    dataSource = createDataSource({ url: db.url, schema: db.schema });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await Promise.all([db?.drop(), s3?.stop()]);
  });

  it('stores, reads, pages and reports missing objects through the minio client', async () => {
    const storage = new StorageRepository(s3.options);
    for (let i = 0; i < 5; i++) await storage.put('photos', `album/p${i}.txt`, Buffer.from(`photo ${i}`), 'text/plain');
    const object = await storage.get('photos', 'album/p3.txt', 1024);
    expect(object.body.toString()).toBe('photo 3');
    expect(object.etag).toMatch(/^[0-9a-f]{32}$/);
    const first = await storage.list('photos', 'album/', '', 2);
    expect(first.keys.map((k) => k.key)).toEqual(['album/p0.txt', 'album/p1.txt']);
    const second = await storage.list('photos', 'album/', first.nextStartAfter, 10);
    expect(second.keys.map((k) => k.key)).toEqual(['album/p2.txt', 'album/p3.txt', 'album/p4.txt']);
    expect(second.nextStartAfter).toBeUndefined();
    await expect(storage.get('photos', 'album/missing.jpg', 1024)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.get('nobucket', 'x.jpg', 1024)).rejects.toMatchObject({ code: 'ResourceNotFound.Bucket' });
    await expect(storage.get('photos', 'album/p1.txt', 3)).rejects.toMatchObject({ code: 'InvalidImage.TooLarge' });
  });

  it('enforces one file per dataset and URI and cascades deletes', async () => {
    const projects = new ProjectRepository(dataSource);
    const datasets = new DatasetRepository(dataSource);
    const files = new FileRepository(dataSource);
    const project = (await projects.create({ name: 'p1' }))!;
    expect(await projects.create({ name: 'p1' })).toBeNull();
    const dataset = (await datasets.create({ projectId: project.id, name: 'd1' }))!;
    const input = { datasetId: dataset.id, uri: 'oss://photos/a.jpg', bucket: 'photos', objectKey: 'a.jpg' };
    const [a] = await files.upsertPending([input]);
    const [again] = await files.upsertPending([{ ...input, customId: 'x' }]);
    expect(again.id).toBe(a.id);
    expect(again.customId).toBe('x');
    await files.completeIndexing(
      a.id,
      {
        etag: 'e',
        size: 3,
        contentType: 'image/jpeg',
        fileModifiedTime: null,
        imageWidth: 10,
        imageHeight: 10,
        imageFormat: 'jpeg',
      },
      [
        {
          faceIndex: 0,
          left: 1,
          top: 1,
          width: 5,
          height: 5,
          figureConfidence: 0.9,
          age: 30,
          ageSD: 5,
          gender: 'male',
          genderConfidence: 0.8,
          pitch: 0,
          roll: 0,
          yaw: 0,
          emotion: 'neutral',
          emotionConfidence: 0.5,
          mouth: 'close',
          mouthConfidence: 0.9,
          eyesOpen: 0.9,
          sharpness: 0.5,
          faceQuality: 0.9,
          isHD: true,
          embedding: Buffer.alloc(2048),
          thumbnail: null,
        },
      ],
    );
    expect((await files.figuresOfFiles([a.id])).length).toBe(1);
    await projects.delete(project.id);
    const [{ count }] = await dataSource.query('SELECT COUNT(*)::int AS count FROM figures');
    expect(count).toBe(0);
  });
});
