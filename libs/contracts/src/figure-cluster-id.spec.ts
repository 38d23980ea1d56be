import { figureClusterIdOf, figureClusterIdSql, parseFigureClusterId, toFigureClusterId } from './figure-cluster-id';

describe('FigureClusterId codec', () => {
  const uuid = '6f1c0b9e-1111-4e2a-9c55-0123456789ab';

  it('encodes a figure by state, and parses back the cluster uuid', () => {
    expect(figureClusterIdOf(uuid, 'clustered')).toBe(`Cluster-${uuid}`);
    expect(figureClusterIdOf(null, 'clustered')).toBe('figure-cluster-id-unavailable');
    expect(figureClusterIdOf(uuid, 'independent')).toBe('figure-cluster-id-independent');
    expect(figureClusterIdOf(null, 'unavailable')).toBe('figure-cluster-id-unavailable');
    expect(parseFigureClusterId(toFigureClusterId(uuid))).toBe(uuid);
    expect(parseFigureClusterId('figure-cluster-id-independent')).toBeNull();
  });

  it('has a SQL form with the same three cases', () => {
    expect(figureClusterIdSql('g.cluster_id', 'g.cluster_state')).toBe(
      "CASE WHEN g.cluster_state = 'clustered' AND g.cluster_id IS NOT NULL THEN 'Cluster-' || g.cluster_id::text WHEN g.cluster_state = 'independent' THEN 'figure-cluster-id-independent' ELSE 'figure-cluster-id-unavailable' END",
    );
  });
});
