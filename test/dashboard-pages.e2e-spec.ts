import { DatasetRepository, FigureEntity, FileRepository, ProjectRepository } from '@app/database';
import { StorageRepository } from '@app/storage';
import { connectToSchema, entityFactories } from '@app/testing';
import sharp from 'sharp';
import request from 'supertest';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { GatewayHarness, startGateway } from './gateway-harness';

const KEY = 'dashboard-test-key-0123456789';

/** Server-rendered pages, image routes, access control and the queue board (no browser, no models). */
describe('operator dashboard pages', () => {
  let gw: GatewayHarness;
  let pg: Client;
  let datasetId: string;
  let clusterId: string;
  let figureIds: string[];
  let fileId: string;
  const auth = { 'x-api-key': KEY };

  beforeAll(async () => {
    gw = await startGateway('dash', { API_KEY: KEY });
    pg = await connectToSchema(gw.db);
    const project = (await gw.app.get(ProjectRepository).create({ name: 'album' }))!;
    const dataset = (await gw.app
      .get(DatasetRepository)
      .create({ projectId: project.id, name: 'family <b>2024</b>' }))!;
    datasetId = dataset.id;
    const jpeg = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    await gw.app.get(StorageRepository).put('photos', 'a/one.jpg', jpeg, 'image/jpeg');
    const files = gw.app.get(FileRepository);
    const [file, bad] = await files.upsertPending([
      { datasetId, uri: 'oss://photos/a/one.jpg', bucket: 'photos', objectKey: 'a/one.jpg' },
      { datasetId, uri: 'oss://photos/a/broken.jpg', bucket: 'photos', objectKey: 'a/broken.jpg' },
    ]);
    fileId = file.id;
    const face = (left: number) => ({
      faceIndex: 0,
      left,
      top: 10,
      width: 40,
      height: 40,
      figureConfidence: 0.99,
      age: 31,
      ageSD: 4,
      gender: 'female',
      genderConfidence: 0.9,
      pitch: 1,
      roll: 2,
      yaw: 3,
      emotion: 'happy',
      emotionConfidence: 0.8,
      mouth: 'open',
      mouthConfidence: 0.7,
      eyesOpen: 0.9,
      sharpness: 0.8,
      faceQuality: 0.87,
      isHD: false,
      embedding: Buffer.alloc(2048),
      thumbnail: jpeg,
    });
    const saved = await files.completeIndexing(
      fileId,
      {
        etag: 'e',
        size: jpeg.length,
        contentType: 'image/jpeg',
        fileModifiedTime: null,
        imageWidth: 200,
        imageHeight: 100,
        imageFormat: 'jpeg',
      },
      [face(10), face(120)],
    );
    figureIds = saved.map((f) => f.id);
    await files.markFailed(bad.id, 'InvalidImage.Decode', 'The object is not an image.');
    const dataSource = gw.app.get(DataSource);
    const cluster = await entityFactories(dataSource).figureCluster({
      datasetId,
      name: 'Alice',
      faceCount: 1,
      imageCount: 1,
      gender: 'female',
      averageAge: 31,
      minAge: 29,
      maxAge: 33,
      coverFigureId: figureIds[0],
    });
    clusterId = cluster.id;
    const figures = dataSource.getRepository(FigureEntity);
    await figures.update({ id: figureIds[0] }, { clusterId, clusterState: 'clustered' });
    await figures.update({ id: figureIds[1] }, { clusterState: 'independent' });
  });

  afterAll(async () => {
    await pg?.end();
    await gw?.close();
  });

  it('requires the API key: basic-auth prompt, ?key= once then a cookie', async () => {
    const server = gw.app.getHttpServer();
    const denied = await request(server).get('/dashboard').expect(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Basic /);
    await request(server).get('/admin/queues').expect(401);
    const login = await request(server).get(`/dashboard/datasets/${datasetId}?key=${KEY}&sort=Name`).expect(303);
    expect(login.headers['location']).toBe(`/dashboard/datasets/${datasetId}?sort=Name`);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    expect(cookie).toMatch(/^facecluster_key=/);
    await request(server).get('/dashboard').set('Cookie', cookie).expect(200);
    await request(server).get('/dashboard').auth('ops', KEY).expect(200);
    await request(server).get('/dashboard').auth('ops', 'wrong-key-wrong-key').expect(401);
  });

  it('lists projects and datasets with counts, escaping names', async () => {
    const res = await request(gw.app.getHttpServer()).get('/dashboard').set(auth).expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('family &lt;b&gt;2024&lt;/b&gt;');
    expect(res.text).not.toContain('<b>2024</b>');
    expect(res.text).toMatch(/<td class="num">2<\/td><td class="num">2<\/td><td class="num">1<\/td>/); // files, faces, people
  });

  it('shows the people grid, a person with face boxes, unclustered faces, failed files and tasks', async () => {
    const server = gw.app.getHttpServer();
    const people = await request(server)
      .get(`/dashboard/datasets/${datasetId}?sort=ImageCount&order=ASC`)
      .set(auth)
      .expect(200);
    expect(people.text).toContain(`data-cluster="${clusterId}"`);
    expect(people.text).toContain(`/dashboard/figures/${figureIds[0]}/thumbnail`);
    expect(people.text).toContain('29–33');
    const person = await request(server)
      .get(`/dashboard/datasets/${datasetId}/clusters/${clusterId}`)
      .set(auth)
      .expect(200);
    expect(person.text).toContain('Alice');
    expect(person.text).toContain(`/dashboard/files/${fileId}/image`);
    expect(person.text).toContain(
      'class="box mine" title="face 0" style="left:5.000%;top:10.000%;width:20.000%;height:40.000%"',
    );
    expect((person.text.match(/class="box /g) ?? []).length).toBe(2);
    const unclustered = await request(server).get(`/dashboard/datasets/${datasetId}/unclustered`).set(auth).expect(200);
    expect(unclustered.text).toContain(`/dashboard/figures/${figureIds[1]}/thumbnail`);
    expect(unclustered.text).toContain('independent');
    const failed = await request(server).get(`/dashboard/datasets/${datasetId}/failed`).set(auth).expect(200);
    expect(failed.text).toContain('InvalidImage.Decode');
    expect(failed.text).toContain('oss://photos/a/broken.jpg');
    await request(server).get(`/dashboard/datasets/${datasetId}/tasks`).set(auth).expect(200);
    const missing = await request(server).get('/dashboard/datasets/not-a-uuid').set(auth).expect(404);
    expect(missing.text).toContain('ResourceNotFound');
  });

  it('serves thumbnails from the database and originals from the object store', async () => {
    const server = gw.app.getHttpServer();
    const thumb = await request(server).get(`/dashboard/figures/${figureIds[0]}/thumbnail`).set(auth).expect(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect((thumb.body as Buffer).subarray(0, 2).toString('hex')).toBe('ffd8');
    const image = await request(server).get(`/dashboard/files/${fileId}/image`).set(auth).expect(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(image.body as Buffer).metadata()).width).toBe(200);
  });

  it('pages 10,000 people by keyset, fast', async () => {
    const server = gw.app.getHttpServer();
    const project = (await gw.app.get(ProjectRepository).findByName('album'))!;
    const big = (await gw.app.get(DatasetRepository).create({ projectId: project.id, name: 'big' }))!;
    await pg.query(
      `INSERT INTO figure_clusters (id, dataset_id, name, face_count, image_count)
       SELECT gen_random_uuid(), $1, 'p' || i, (i * 7919) % 500, 1 FROM generate_series(1, 10000) AS i`,
      [big.id],
    );
    await pg.query('ANALYZE figure_clusters');
    const seen = new Set<string>();
    let url = `/dashboard/datasets/${big.id}?sort=FaceCount&order=DESC`;
    let slowest = 0;
    let last = Infinity;
    for (let page = 0; page < 5; page++) {
      const started = Date.now();
      const res = await request(server).get(url).set(auth).expect(200);
      slowest = Math.max(slowest, Date.now() - started);
      const ids = [...res.text.matchAll(/data-cluster="([0-9a-f-]{36})"/g)].map((m) => m[1]);
      expect(ids).toHaveLength(60);
      for (const id of ids) seen.add(id);
      const counts = [...res.text.matchAll(/(\d+) faces · /g)].map((m) => Number(m[1]));
      expect(counts[0]).toBeLessThanOrEqual(last);
      last = counts[counts.length - 1]!;
      const next = /href="\?sort=FaceCount&amp;order=DESC&amp;after=([A-Za-z0-9_-]+)"/.exec(res.text);
      url = `/dashboard/datasets/${big.id}?sort=FaceCount&order=DESC&after=${next![1]}`;
    }
    expect(seen.size).toBe(300);
    expect(slowest).toBeLessThan(1500);
  });

  it('mounts bull-board on the queues', async () => {
    const server = gw.app.getHttpServer();
    const page = await request(server).get('/admin/queues').set(auth).expect(200);
    expect(page.text).toContain('facecluster queues');
    // The UI's own assets are served from the package (works offline).
    const asset = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text);
    expect(asset).not.toBeNull();
    await request(server).get(`/admin/queues/${asset![1]}`).set(auth).expect(200);
    const api = await request(server).get('/admin/queues/api/queues').set(auth).expect(200);
    expect((api.body.queues as Array<{ name: string }>).map((q) => q.name).sort()).toEqual([
      'facecluster-cluster',
      'facecluster-index',
      'facecluster-notify',
      'facecluster-scan',
    ]);
  });
});
