import { createHmac } from 'node:crypto';
import { buildFaceEventBody, retryDelayMs, signBody, thumbnailUrl } from './face-event-body';

const event = {
  id: '5b1f0e3c-9a51-4d8e-8f57-0d6a1c1a2b3c',
  datasetId: 'd',
  kind: 'KnownPerson',
  figureId: 'f',
  uri: 'oss://photos/a.jpg',
  boundary: { Left: 1, Top: 2, Width: 30, Height: 40 },
  similarity: 0.71234567,
  clusterId: '0e6c2b9a-1111-4222-8333-944455556666',
  thumbnailToken: 'tok/en+',
  sightings: 1,
  lastSeenTime: new Date('2026-12-03T10:00:01Z'),
  createTime: new Date('2026-12-03T10:00:00Z'),
  deliveryState: 'pending',
  attempts: 1,
  nextAttemptTime: new Date(),
  lastError: null,
  deliveredTime: null,
};

describe('face event body', () => {
  it('carries the cluster and its name for a known person, and a tokenised thumbnail link', () => {
    const body = buildFaceEventBody(
      event,
      { projectName: 'p', datasetName: 'd', clusterName: 'Amy' },
      'https://fc.example/',
    );
    expect(body).toMatchObject({
      EventId: event.id,
      EventType: 'KnownPerson',
      FigureClusterId: `Cluster-${event.clusterId}`,
      Name: 'Amy',
      Similarity: 0.712346,
      Time: '2026-12-03T10:00:00.000Z',
      ThumbnailURL: `https://fc.example/face-events/${event.id}/thumbnail.jpg?token=tok%2Fen%2B`,
    });
    const stranger = buildFaceEventBody(
      { ...event, kind: 'Stranger', clusterId: null },
      { projectName: 'p', datasetName: 'd' },
      '',
    );
    expect(stranger.FigureClusterId).toBeUndefined();
    expect(stranger.Name).toBeUndefined();
    expect(thumbnailUrl('', event)).toBe(`/face-events/${event.id}/thumbnail.jpg?token=tok%2Fen%2B`);
  });

  it('signs the exact bytes with HMAC-SHA256 and backs off exponentially up to 5 minutes', () => {
    const raw = JSON.stringify({ a: 1 });
    expect(signBody(raw, 'secret')).toBe(`sha256=${createHmac('sha256', 'secret').update(raw).digest('hex')}`);
    expect(signBody(raw, 'other')).not.toBe(signBody(raw, 'secret'));
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30)).toBe(300_000);
  });
});
