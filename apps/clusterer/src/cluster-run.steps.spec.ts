import { buildSummary, FaceInput } from '@app/clustering';
import { encodeEmbedding } from '@app/contracts';
import { ClusteringFaceRow, ClusteringTransaction, ClusterMemberRow } from '@app/database';
import { rebuildStale, refreshStatistics, repairDrift, RunWrites } from './cluster-run.steps';

const face = (id: string, clusterId: string, e: number[]): ClusteringFaceRow => ({
  id,
  fileId: `file-${id}`,
  clusterId,
  embedding: encodeEmbedding(Float32Array.from(e)),
  isHD: true,
  faceQuality: 0.9,
});

const member = (id: string, clusterId: string): ClusterMemberRow => ({
  id,
  fileId: `file-${id}`,
  clusterId,
  age: null,
  gender: null,
  genderConfidence: null,
  faceQuality: 0.9,
  sharpness: null,
  pitch: null,
  roll: null,
  yaw: null,
  eyesOpen: null,
  width: 100,
  height: 100,
  isHD: true,
});

/** A transaction that serves fixed rows and records every write (only the calls these steps make). */
function fakeTx(faces: ClusteringFaceRow[], stale: Array<{ id: string; actual: number }> = []) {
  const calls: Array<[string, unknown]> = [];
  const tx = {
    datasetId: 'd',
    staleClusters: () => Promise.resolve(stale),
    facesOfClusters: (ids: string[]) => Promise.resolve(faces.filter((f) => ids.includes(f.clusterId!))),
    deleteClusters: (ids: string[]) => Promise.resolve(void calls.push(['deleteClusters', ids])),
    updateSummaries: (rows: Array<{ id: string }>) =>
      Promise.resolve(void calls.push(['updateSummaries', rows.map((r) => r.id)])),
    writeStats: (rows: Array<{ id: string; faceCount: number }>) =>
      Promise.resolve(void calls.push(['writeStats', rows.map((r) => [r.id, r.faceCount])])),
    recordChanges: (_task: string, changes: unknown[]) => Promise.resolve(void calls.push(['recordChanges', changes])),
  };
  return { tx: tx as unknown as ClusteringTransaction, calls };
}

const input = (f: ClusteringFaceRow): FaceInput => ({
  faceId: f.id,
  imageId: f.fileId,
  embedding: new Float32Array(f.embedding.buffer, f.embedding.byteOffset, f.embedding.length / 4),
  isHD: f.isHD,
  quality: f.faceQuality,
});

describe('clustering run steps', () => {
  it('rebuildStale rebuilds clusters that kept faces and deletes the emptied ones', async () => {
    const rows = [face('a', 'c1', [1, 0]), face('b', 'c1', [0.8, 0.6])];
    const { tx, calls } = fakeTx(rows, [
      { id: 'c1', actual: 2 },
      { id: 'c2', actual: 0 },
    ]);
    const writes = new RunWrites();
    const stale = await rebuildStale(tx, writes);
    expect(stale.emptied).toEqual(['c2']);
    expect(stale.rebuilt.get('c1')?.count).toBe(2);
    expect([...writes.touched]).toEqual(['c1']);
    expect(writes.deleted).toEqual(['c2']);
    expect(calls).toEqual([['deleteClusters', ['c2']]]);
  });

  it('repairDrift rebuilds a summary whose count no longer matches its members', async () => {
    const rows = [face('a', 'c1', [1, 0]), face('b', 'c1', [0.8, 0.6])];
    const { tx } = fakeTx(rows);
    const writes = new RunWrites();
    writes.touched.add('c1');
    // The run counted a third member that was deleted while it computed.
    writes.summaries.set('c1', buildSummary('c1', [...rows.map(input), { ...input(rows[0]), faceId: 'gone' }]));
    const members = new Map([['c1', [member('a', 'c1'), member('b', 'c1')]]]);
    expect(await repairDrift(tx, writes, members)).toEqual(['c1']);
    expect(writes.summaries.get('c1')?.count).toBe(2);
  });

  it('refreshStatistics writes touched clusters with members and deletes the ones left empty', async () => {
    const { tx, calls } = fakeTx([]);
    const writes = new RunWrites();
    for (const id of ['c1', 'c3']) writes.touched.add(id);
    writes.summaries.set('c1', buildSummary('c1', [input(face('a', 'c1', [1, 0]))]));
    writes.summaries.set('c3', buildSummary('c3', [input(face('z', 'c3', [0, 1]))]));
    const empty = await refreshStatistics(tx, 'task', writes, new Map([['c1', [member('a', 'c1')]]]));
    expect(empty).toEqual(['c3']);
    expect(calls.map(([name]) => name)).toEqual(['updateSummaries', 'writeStats', 'deleteClusters', 'recordChanges']);
    expect(calls[0][1]).toEqual(['c1']);
    expect(calls[1][1]).toEqual([['c1', 1]]);
    expect(calls[2][1]).toEqual(['c3']);
    expect(writes.changes).toEqual([
      { kind: 'delete', fromClusterId: 'c3', intoClusterId: null, reason: 'no faces left' },
    ]);
  });
});
