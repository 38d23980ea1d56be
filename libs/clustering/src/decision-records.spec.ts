import { syntheticPeople } from '@app/testing';
import { clusterIncremental } from './cluster-incremental';
import { DEFAULT_DECISION_OPTIONS } from './clustering-options';
import { JoinRule } from './join-rule';

const DIM = 128;

function idFactory(): () => string {
  let n = 0;
  return () => `Cluster-${++n}`;
}

describe('JoinRule', () => {
  const rule = new JoinRule(DEFAULT_DECISION_OPTIONS);

  it('asks the size margin of small clusters and the cohesion share of tight ones', () => {
    expect(rule.bar(true, 3, 0.5)).toBeCloseTo(0.45, 10);
    expect(rule.bar(true, 100, 0.5)).toBeCloseTo(0.4112, 10);
    expect(rule.bar(true, 100, 0.8)).toBeCloseTo(0.64 * 0.8, 10);
    expect(rule.bar(false, 100, 0.8)).toBeCloseTo(0.58 * 0.8, 10);
  });

  it('names the part of the rule that keeps a face out', () => {
    const face = { isHD: true, peerFloor: -Infinity, peerCluster: false };
    expect(rule.check({ ...face, score: 0.44 }, 0.45)).toBe('join-bar');
    expect(rule.check({ ...face, score: 0.5 }, 0.45)).toBeNull();
    expect(rule.check({ ...face, score: 0.5, peerFloor: 0.7 }, 0.45)).toBe('peer-floor');
    expect(rule.check({ ...face, score: 0.5, peerFloor: 0.7, peerCluster: true }, 0.45)).toBeNull();
  });
});

describe('decision records', () => {
  it('record the stage and rule of every outcome, and why an independent stayed out', async () => {
    const [person, single] = syntheticPeople([6, 1], 5, { dim: DIM }).map((p) => p.faces);
    const first = await clusterIncremental({ clusters: [], candidates: [], newFaces: person.slice(0, 4) }, idFactory());
    expect(first.decisions.faces.map((d) => [d.stage, d.rule])).toEqual(
      person.slice(0, 4).map(() => ['seed', 'seed-group']),
    );
    expect(first.decisions.clusters).toEqual([
      expect.objectContaining({ clusterId: 'Cluster-1', stage: 'seed', rule: 'seed-group', faces: 4, into: null }),
    ]);

    const second = await clusterIncremental(
      { clusters: first.createdClusters, candidates: [], newFaces: [...person.slice(4), ...single] },
      idFactory(),
    );
    expect(second.decisions.faces.map((d) => d.faceId)).toEqual(second.assignments.map((a) => a.faceId));
    for (const d of second.decisions.faces.slice(0, 2)) {
      expect(d).toMatchObject({ clusterId: 'Cluster-1', stage: 'join-existing', rule: 'join-rule', nearest: null });
      expect(d.similarity).toBeGreaterThanOrEqual(d.bar!);
    }
    const stranger = second.decisions.faces[2];
    expect(stranger).toMatchObject({ clusterId: null, stage: null, rule: 'no-cluster', bar: null });
    // The stranger was scored against the only cluster and stayed below its bar.
    expect(stranger.nearest).toMatchObject({ clusterId: 'Cluster-1', blockedBy: 'join-bar' });
    expect(stranger.nearest!.similarity).toBeLessThan(stranger.nearest!.bar);
  });
});
