/**
 * The one codec of IMM's FigureClusterId: `Cluster-<uuid>` for a face in a cluster (the uuid is the cluster's
 * database id), or one of IMM's two reserved ids for a face that is in none. Used by the API mappers and query
 * parser, by the clustering library's default cluster ids, and (through figureClusterIdSql) by the SQL that
 * derives the id from a figure's columns.
 */
export const FigureClusterIdUnavailable = 'figure-cluster-id-unavailable';
export const FigureClusterIdIndependent = 'figure-cluster-id-independent';
export const FigureClusterPrefix = 'Cluster-';

/** Clustering state of one figure, stored with it. */
export const FigureClusterState = {
  /** Not processed by a clustering run yet. */
  Unavailable: 'unavailable',
  /** Processed, fits no cluster (a stranger, or not enough evidence yet). */
  Independent: 'independent',
  Clustered: 'clustered',
} as const;
export type FigureClusterState = (typeof FigureClusterState)[keyof typeof FigureClusterState];

export function toFigureClusterId(clusterUuid: string): string {
  return `${FigureClusterPrefix}${clusterUuid}`;
}

/** Cluster-<uuid> -> uuid, or null when the value is not a well-formed cluster id. */
export function parseFigureClusterId(objectId: string): string | null {
  const match = /^Cluster-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(objectId);
  return match ? match[1].toLowerCase() : null;
}

/** The FigureClusterId of a figure from its cluster id and clustering state. */
export function figureClusterIdOf(clusterUuid: string | null, state: FigureClusterState): string {
  if (state === FigureClusterState.Clustered && clusterUuid !== null) return toFigureClusterId(clusterUuid);
  if (state === FigureClusterState.Independent) return FigureClusterIdIndependent;
  return FigureClusterIdUnavailable;
}

/**
 * figureClusterIdOf as a SQL expression over a figure's cluster id (uuid) and state columns, e.g.
 * `figureClusterIdSql('g.cluster_id', 'g.cluster_state')`. Column names are trusted identifiers, never input.
 */
export function figureClusterIdSql(clusterIdColumn: string, stateColumn: string): string {
  return (
    `CASE WHEN ${stateColumn} = '${FigureClusterState.Clustered}' AND ${clusterIdColumn} IS NOT NULL ` +
    `THEN '${FigureClusterPrefix}' || ${clusterIdColumn}::text ` +
    `WHEN ${stateColumn} = '${FigureClusterState.Independent}' THEN '${FigureClusterIdIndependent}' ` +
    `ELSE '${FigureClusterIdUnavailable}' END`
  );
}
