/**
 * Test seam: called inside a run's transaction after every write, before commit. Integration tests use it to
 * prove that a crash leaves nothing half-applied and that runs of one dataset never overlap. Not provided in
 * production.
 */
export interface ClusterRunHooks {
  insideRun?(context: { datasetId: string; taskId: string; attempt: number }): Promise<void> | void;
}

export const CLUSTER_RUN_HOOKS = Symbol('CLUSTER_RUN_HOOKS');
