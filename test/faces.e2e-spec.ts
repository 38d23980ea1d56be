/** @jest-environment ./test/support/shared-realm.environment.js */
/**
 * Face queries and stranger events through HTTP on the real stack (gateway, indexer with the ONNX models,
 * clusterer, Postgres, Redis, s3rver) with real photos: DetectImageFaces, CompareImageFaces,
 * SearchImageFigureCluster, CreateFacesSearchingTask (+ its notification and the GetFacesSearchingResult
 * extension), bad input, and Stranger / KnownPerson events: signed, one alert per stranger per window, thumbnail
 * link, and delivered by a new gateway after the first one stopped between indexing and delivery.
 */
import { gatewayEnvSchema, loadConfig } from '@app/config';
import { datasetsDir, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createGatewayApp } from '../apps/gateway/src/gateway.app';
import { bbtDir, bbtPhotos, imm, waitForImmTask } from './support/fixtures';
import { Stack, startStack } from './support/stack';

jest.setTimeout(240_000);

const P = 'faces';
const SECRET = 'a-secret-of-the-subscription';
const misc = join(datasetsDir(), 'misc');
const available = bbtDir() !== null && existsSync(join(misc, 'noface')) && existsSync(join(misc, 'multiface'));
const describeWithPhotos = available ? describe : describe.skip;
if (!available)
  console.warn(
    'faces.e2e-spec: skipped, the photos of ../shared/datasets/misc (bbt-labelled, noface, multiface) are absent',
  );

const enrolled = ['amy', 'howard', 'leonard', 'penny'];
const uri = (key: string): string => `oss://photos/${key}`;
const bbtKey = (person: string, n: number): string => bbtPhotos([person], [n])[0].key;

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, unknown>;
}

/** A local webhook receiver; `status` decides the answer (e.g. 503 to force retries). */
function listener(): { server: Server; received: Received[]; url: () => string; status: { code: number } } {
  const received: Received[] = [];
  const status = { code: 204 };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (status.code < 300)
        received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(status.code).end();
    });
  });
  return { server, received, status, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

describeWithPhotos('face queries and stranger events (HTTP, real stack)', () => {
  let stack: Stack;
  const hook = listener();
  /** person -> cluster id of their indexed photos 1-4. */
  const clusterOf = new Map<string, string>();

  beforeAll(async () => {
    await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
    // The test's receivers are plain http on loopback, which the webhook policy refuses by default.
    stack = await startStack({
      label: 'faces',
      clusterDebounceMs: 1500,
      env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' },
    });
    await imm(stack, 'CreateProject', { ProjectName: P });
    await imm(stack, 'CreateProject', { ProjectName: 'other' });
    await imm(stack, 'CreateDataset', { ProjectName: P, DatasetName: 'album' });
    await imm(stack, 'CreateDataset', { ProjectName: 'other', DatasetName: 'theirs' });
    const photos = bbtPhotos([...enrolled, 'raj', 'sheldon', 'stuart', 'bernadette'], [1, 2, 3, 4, 5]);
    for (const p of photos) await stack.storage.put('photos', p.key, p.body, 'image/png');
    await stack.storage.put(
      'photos',
      'noface/brick.png',
      readFileSync(join(misc, 'noface', 'skimage_brick.png')),
      'image/png',
    );
    await stack.storage.put(
      'photos',
      'multi/two.jpg',
      readFileSync(join(misc, 'multiface', 'fr_two_people.jpg')),
      'image/jpeg',
    );
    await stack.storage.put('photos', 'text/readme.jpg', Buffer.from('not an image at all'), 'image/jpeg');

    const indexed = photos.filter((p) => enrolled.includes(p.person) && !p.key.match(/5\.\w+$/));
    const { TaskId } = await imm(stack, 'BatchIndexFileMeta', {
      ProjectName: P,
      DatasetName: 'album',
      Files: indexed.map((p) => ({ URI: uri(p.key) })),
    });
    expect((await waitForImmTask(stack, P, 'IndexFileMeta', TaskId, 120_000)).Status).toBe('Succeeded');
    await stack.waitForQueuesDrained(120_000);
    for (const person of enrolled) {
      const { File } = await imm(stack, 'GetFileMeta', {
        ProjectName: P,
        DatasetName: 'album',
        URI: uri(bbtKey(person, 1)),
      });
      const id = File.Figures[0].FigureClusterId as string;
      expect(id).toMatch(/^Cluster-/);
      clusterOf.set(person, id);
    }
    expect(new Set(clusterOf.values()).size).toBe(enrolled.length);
  });

  afterAll(async () => {
    await stack?.stop();
    hook.server.closeAllConnections();
    await new Promise((resolve) => hook.server.close(resolve));
  });

  describe('DetectImageFaces', () => {
    it('returns every face with the figure fields GetFileMeta has, without indexing', async () => {
      const res = await stack.api('DetectImageFaces', { ProjectName: P, SourceURI: uri('multi/two.jpg') });
      expect(res.status).toBe(200);
      expect(res.body.RequestId).toEqual(expect.any(String));
      expect(res.body.Faces.length).toBeGreaterThanOrEqual(2);
      for (const face of res.body.Faces) {
        expect(face).toMatchObject({
          FigureType: 'face',
          Boundary: {
            Left: expect.any(Number),
            Top: expect.any(Number),
            Width: expect.any(Number),
            Height: expect.any(Number),
          },
          HeadPose: { Pitch: expect.any(Number), Roll: expect.any(Number), Yaw: expect.any(Number) },
          FaceQuality: expect.any(Number),
          Mouth: expect.stringMatching(/^(open|close)$/),
        });
        expect(face.FigureId).toBeUndefined();
      }
      expect(res.headers['server-timing']).toMatch(/decode;dur=[\d.]+.*inference;dur=/);
      const files = await stack.db.query(`SELECT count(*)::int AS n FROM files WHERE uri = $1`, [uri('multi/two.jpg')]);
      expect(files.rows[0].n).toBe(0);
    });

    it('answers an image without a face with no faces, and bad input with IMM errors', async () => {
      const none = await stack.api('DetectImageFaces', { ProjectName: P, SourceURI: uri('noface/brick.png') });
      expect(none.status).toBe(200);
      expect(none.body.Faces).toEqual([]);

      const missing = await stack.api('DetectImageFaces', { ProjectName: P, SourceURI: uri('nothing/here.jpg') });
      expect(missing.status).toBe(404);
      expect(missing.body.Code).toBe('ResourceNotFound.Object');
      const text = await stack.api('DetectImageFaces', { ProjectName: P, SourceURI: uri('text/readme.jpg') });
      expect(text.status).toBe(400);
      expect(text.body.Code).toMatch(/^InvalidImage\./);
      const badUri = await stack.api('DetectImageFaces', { ProjectName: P, SourceURI: 'http://example.com/a.jpg' });
      expect(badUri.status).toBe(400);
      expect(badUri.body.Message).toMatch(/SourceURI/);
      const noProject = await stack.api('DetectImageFaces', { ProjectName: 'nope', SourceURI: uri('multi/two.jpg') });
      expect(noProject.status).toBe(404);
      expect(noProject.body.Code).toBe('ResourceNotFound');
    });
  });

  describe('CompareImageFaces', () => {
    it('gives the same person a Similarity above 0.5 and different people one below', async () => {
      const compare = (a: string, b: string) =>
        stack.api('CompareImageFaces', { ProjectName: P, Source: { URI1: uri(a), URI2: uri(b) } });
      const same = await compare(bbtKey('amy', 5), bbtKey('amy', 1));
      const other = await compare(bbtKey('amy', 5), bbtKey('howard', 1));
      expect(same.status).toBe(200);
      expect(same.body.Similarity).toBeGreaterThan(0.5);
      expect(same.body.Similarity).toBeLessThanOrEqual(1);
      expect(other.body.Similarity).toBeLessThan(0.5);
      expect(other.body.Similarity).toBeGreaterThanOrEqual(0);

      const none = await compare(bbtKey('amy', 5), 'noface/brick.png');
      expect(none.status).toBe(200);
      expect(none.body.Similarity).toBeUndefined();
      const missing = await compare(bbtKey('amy', 5), 'nothing/here.jpg');
      expect(missing.status).toBe(404);
      expect(missing.body.Code).toBe('ResourceNotFound.Object');
    });
  });

  describe('SearchImageFigureCluster', () => {
    it("returns each held-back photo's person first, and nothing for people who are not in the dataset", async () => {
      for (const person of enrolled) {
        const res = await stack.api('SearchImageFigureCluster', {
          ProjectName: P,
          DatasetName: 'album',
          SourceURI: uri(bbtKey(person, 5)),
        });
        expect(res.status).toBe(200);
        expect(res.body.Clusters[0]).toMatchObject({
          ClusterId: clusterOf.get(person),
          Similarity: expect.any(Number),
          Boundary: { Width: expect.any(Number) },
        });
        expect(res.body.Clusters[0].Similarity).toBeGreaterThanOrEqual(0.5);
      }
      const stranger = await stack.api('SearchImageFigureCluster', {
        ProjectName: P,
        DatasetName: 'album',
        SourceURI: uri(bbtKey('raj', 1)),
      });
      expect(stranger.status).toBe(200);
      expect(stranger.body.Clusters).toEqual([]);
      const none = await stack.api('SearchImageFigureCluster', {
        ProjectName: P,
        DatasetName: 'album',
        SourceURI: uri('noface/brick.png'),
      });
      expect(none.body.Clusters).toEqual([]);
      // Not indexed by the search:
      const files = await stack.db.query(`SELECT count(*)::int AS n FROM files WHERE uri = $1`, [
        uri(bbtKey('raj', 1)),
      ]);
      expect(files.rows[0].n).toBe(0);
    });

    it("refuses another project's dataset and a missing object", async () => {
      const theirs = await stack.api('SearchImageFigureCluster', {
        ProjectName: P,
        DatasetName: 'theirs',
        SourceURI: uri(bbtKey('amy', 5)),
      });
      expect(theirs.status).toBe(404);
      expect(theirs.body.Code).toBe('ResourceNotFound');
      const missing = await stack.api('SearchImageFigureCluster', {
        ProjectName: P,
        DatasetName: 'album',
        SourceURI: uri('nothing/here.jpg'),
      });
      expect(missing.status).toBe(404);
      expect(missing.body.Code).toBe('ResourceNotFound.Object');
    });
  });

  describe('CreateFacesSearchingTask', () => {
    it("delivers the most similar faces in the task's notification and keeps them readable", async () => {
      const before = hook.received.length;
      const { TaskId, EventId } = await imm(stack, 'CreateFacesSearchingTask', {
        ProjectName: P,
        DatasetName: 'album',
        Sources: [{ URI: uri(bbtKey('amy', 5)) }, { URI: uri('noface/brick.png') }, { URI: uri('nothing/here.jpg') }],
        MaxResult: 3,
        Notification: { HTTP: { Endpoint: hook.url() } },
        UserData: 'who is this',
      });
      expect(TaskId).toMatch(/^FacesSearching-/);
      expect(EventId).toEqual(expect.any(String));
      const envelope = await waitFor(
        () => hook.received.slice(before).find((r) => (r.body['content'] as { TaskId?: string })?.TaskId === TaskId),
        'the faces-searching notification',
        60_000,
      );
      const content = envelope.body['content'] as Record<string, unknown>;
      expect(envelope.body).toMatchObject({ source: 'acs:imm', type: 'imm:Task:FacesSearching' });
      expect(content).toMatchObject({ Status: 'Succeeded', UserData: 'who is this', TaskType: 'FacesSearching' });
      const results = content['Results'] as Array<{
        URI: string;
        Faces: Array<Record<string, unknown>>;
        Error?: unknown;
      }>;
      expect(results.map((r) => r.URI)).toEqual([
        uri(bbtKey('amy', 5)),
        uri('noface/brick.png'),
        uri('nothing/here.jpg'),
      ]);
      expect(results[0].Faces).toHaveLength(3);
      for (const face of results[0].Faces) {
        expect(face['URI']).toMatch(/bbt\/amy\//);
        expect(face).toMatchObject({
          FigureId: expect.any(String),
          Similarity: expect.any(Number),
          Boundary: expect.any(Object),
        });
      }
      const sims = results[0].Faces.map((f) => f['Similarity'] as number);
      expect([...sims].sort((a, b) => b - a)).toEqual(sims);
      expect(results[1].Faces).toEqual([]);
      expect(results[2].Error).toMatchObject({ Code: 'ResourceNotFound.Object' });

      const stored = await imm(stack, 'GetFacesSearchingResult', { ProjectName: P, TaskId });
      expect(stored).toMatchObject({ TaskId, Status: 'Succeeded' });
      expect(stored.Results).toEqual(results);
      const task = await imm(stack, 'GetTask', { ProjectName: P, TaskType: 'FacesSearching', TaskId });
      expect(task.Status).toBe('Succeeded');
      const foreign = await stack.api('GetFacesSearchingResult', { ProjectName: 'other', TaskId });
      expect(foreign.status).toBe(404);
    });

    it('validates MaxResult and the dataset', async () => {
      const tooMany = await stack.api('CreateFacesSearchingTask', {
        ProjectName: P,
        DatasetName: 'album',
        Sources: [{ URI: uri(bbtKey('amy', 5)) }],
        MaxResult: 101,
      });
      expect(tooMany.status).toBe(400);
      const theirs = await stack.api('CreateFacesSearchingTask', {
        ProjectName: P,
        DatasetName: 'theirs',
        Sources: [{ URI: uri(bbtKey('amy', 5)) }],
      });
      expect(theirs.status).toBe(404);
    });
  });

  describe('Stranger and KnownPerson events', () => {
    const events = (type: string, from = 0): Received[] =>
      hook.received.slice(from).filter((r) => r.body['EventType'] === type);

    async function index(key: string): Promise<void> {
      const { TaskId } = await imm(stack, 'IndexFileMeta', {
        ProjectName: P,
        DatasetName: 'album',
        File: { URI: uri(key) },
      });
      expect((await waitForImmTask(stack, P, 'IndexFileMeta', TaskId)).Status).toBe('Succeeded');
    }

    it('subscribes through UpdateDataset and shows the subscription without its secret', async () => {
      const res = await imm(stack, 'UpdateDataset', {
        ProjectName: P,
        DatasetName: 'album',
        EventSubscription: {
          Endpoint: hook.url(),
          Secret: SECRET,
          Events: ['Stranger', 'KnownPerson'],
          WindowSeconds: 600,
        },
      });
      expect(res.Dataset.EventSubscription).toEqual({
        Endpoint: hook.url(),
        Events: ['Stranger', 'KnownPerson'],
        WindowSeconds: 600,
        HasSecret: true,
      });
      expect(JSON.stringify(res)).not.toContain(SECRET);
      const bad = await stack.api('UpdateDataset', {
        ProjectName: P,
        DatasetName: 'album',
        EventSubscription: { Endpoint: 'ftp://x', Events: ['Burglar'] },
      });
      expect(bad.status).toBe(400);
    });

    it('announces a known person with the cluster and a stranger once per window, signed, with a thumbnail link', async () => {
      const from = hook.received.length;
      await index(bbtKey('amy', 5));
      const known = await waitFor(() => events('KnownPerson', from)[0], 'the KnownPerson event', 30_000);
      expect(known.body).toMatchObject({
        ProjectName: P,
        DatasetName: 'album',
        URI: uri(bbtKey('amy', 5)),
        FigureClusterId: clusterOf.get('amy'),
        Name: '',
        FigureId: expect.any(String),
      });
      expect(known.body['Similarity']).toBeGreaterThanOrEqual(0.5);

      await index(bbtKey('raj', 1));
      const stranger = await waitFor(() => events('Stranger', from)[0], 'the Stranger event', 30_000);
      expect(stranger.body).toMatchObject({
        EventType: 'Stranger',
        URI: uri(bbtKey('raj', 1)),
        Boundary: { Left: expect.any(Number), Width: expect.any(Number) },
        Time: expect.any(String),
      });
      expect(stranger.body['Similarity']).toBeLessThan(0.5);
      expect(stranger.body['FigureClusterId']).toBeUndefined();
      const expected = `sha256=${createHmac('sha256', SECRET).update(stranger.raw).digest('hex')}`;
      expect(stranger.headers['x-facecluster-signature']).toBe(expected);
      const thumb = await fetch(stranger.body['ThumbnailURL'] as string);
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await thumb.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      const forged = await fetch(`${(stranger.body['ThumbnailURL'] as string).split('?')[0]}?token=guess`);
      expect(forged.status).toBe(401);

      // Raj again within the window: no second alert, one more sighting on the first.
      await index(bbtKey('raj', 2));
      await index(bbtKey('sheldon', 1));
      await waitFor(() => events('Stranger', from).length >= 2, 'the second stranger', 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      const strangers = events('Stranger', from).map((r) => r.body['URI']);
      expect(strangers).toEqual([uri(bbtKey('raj', 1)), uri(bbtKey('sheldon', 1))]);
      const rows = await stack.db.query(
        `SELECT uri, sightings, delivery_state FROM face_events WHERE kind = 'Stranger' ORDER BY create_time`,
      );
      expect(rows.rows).toEqual([
        { uri: uri(bbtKey('raj', 1)), sightings: 2, delivery_state: 'delivered' },
        { uri: uri(bbtKey('sheldon', 1)), sightings: 1, delivery_state: 'delivered' },
      ]);
    });

    it('shows the recent strangers on the dashboard', async () => {
      const { rows } = await stack.db.query(`SELECT id FROM datasets WHERE name = 'album'`);
      const page = await stack.http.get(`/dashboard/datasets/${rows[0].id}/strangers`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(bbtKey('raj', 1));
      expect(page.text).toContain(bbtKey('sheldon', 1));
      expect(page.text).toMatch(/<img[^>]+face-events\/[0-9a-f-]+\/thumbnail\.jpg/);
    });

    it('delivers an event recorded while the receiver was down, from a new gateway after the first one stopped', async () => {
      hook.status.code = 503;
      const from = hook.received.length;
      await index(bbtKey('stuart', 1));
      const pending = await waitFor(
        async () => {
          const { rows } = await stack.db.query(`SELECT id, attempts, delivery_state FROM face_events WHERE uri = $1`, [
            uri(bbtKey('stuart', 1)),
          ]);
          return rows[0]?.attempts >= 1 ? rows[0] : null;
        },
        'a failed first delivery',
        30_000,
      );
      expect(pending.delivery_state).toBe('pending');
      // The gateway stops before the event is delivered; the receiver comes back; a new gateway starts.
      await stack.apps.gateway!.close();
      hook.status.code = 204;
      const next: INestApplication = await createGatewayApp(loadConfig(gatewayEnvSchema, stack.env));
      stack.apps.gateway = next;
      await next.listen(0, '127.0.0.1');
      const delivered = await waitFor(() => events('Stranger', from)[0], 'the delivery after the restart', 60_000);
      expect(delivered.body).toMatchObject({ EventId: pending.id, URI: uri(bbtKey('stuart', 1)) });
      const { rows } = await stack.db.query(`SELECT delivery_state FROM face_events WHERE id = $1`, [pending.id]);
      expect(rows[0].delivery_state).toBe('delivered');
      expect(events('Stranger', from)).toHaveLength(1);
    });
  });
});
