import { clusterIncremental, ClusteringIndex } from '@app/clustering';
import { syntheticPeople } from '@app/testing';
import { ClusteringIndexRegistry } from './clustering-index.registry';

const DIM = 32;

describe('ClusteringIndexRegistry', () => {
  it('reuses an index while the generation matches and follows committed runs only', async () => {
    const registry = new ClusteringIndexRegistry();
    let builds = 0;
    const build = (): Promise<ClusteringIndex> => {
      builds++;
      return Promise.resolve(ClusteringIndex.create(DIM));
    };
    const index = await registry.get('d', 0, build);
    expect(await registry.get('d', 0, build)).toBe(index);
    expect(builds).toBe(1);

    // A run that rolled back never calls committed(): the index stays at generation 0, as the database is.
    const [person] = syntheticPeople([3], 1, { dim: DIM });
    const result = await clusterIncremental({ clusters: [], candidates: [], newFaces: person.faces });
    expect(index.clusters.size).toBe(0);

    registry.committed('d', 0, 1, { result, newFaces: person.faces });
    expect(await registry.settled('d')).toBe(1);
    expect(index.clusters.has(result.createdClusters[0].clusterId)).toBe(true);
    expect(await registry.get('d', 1, build)).toBe(index);
    expect(builds).toBe(1);
  });

  it('rebuilds when another replica ran (generation moved) and drops an index a commit does not follow', async () => {
    const registry = new ClusteringIndexRegistry();
    let builds = 0;
    const build = (): Promise<ClusteringIndex> => {
      builds++;
      return Promise.resolve(ClusteringIndex.create(DIM));
    };
    const first = await registry.get('d', 3, build);
    const second = await registry.get('d', 5, build);
    expect(second).not.toBe(first);
    expect(builds).toBe(2);

    registry.committed('d', 4, 6, {});
    expect(await registry.settled('d')).toBeNull();
    await registry.get('d', 6, build);
    expect(builds).toBe(3);
  });

  it('forgets an index whose update failed and whose build failed', async () => {
    const registry = new ClusteringIndexRegistry();
    const index = await registry.get('d', 0, () => Promise.resolve(ClusteringIndex.create(DIM)));
    jest.spyOn(index, 'apply').mockRejectedValueOnce(new Error('boom'));
    registry.committed('d', 0, 1, {});
    expect(await registry.settled('d')).toBeNull();

    await expect(registry.get('e', 0, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await registry.settled('e')).toBeNull();
  });
});
