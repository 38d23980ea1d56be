import { ClustererConfig } from '@app/config';
import { createServiceApp } from '@app/messaging';
import { INestApplication } from '@nestjs/common';
import { ClustererModule, ClustererModuleOptions } from './clusterer.module';

// The clusterer's public surface for integration tests (test/ may import this file and nothing deeper).
export type { ClusterRunHooks } from './cluster-run.hooks';

/**
 * Builds the clusterer (cluster-queue worker + domain-event transport + HTTP health), initialised and with its
 * microservice started, without listening: the caller runs `await app.listen(config.CLUSTERER_PORT)`.
 */
export async function createClustererApp(
  config: ClustererConfig,
  options: ClustererModuleOptions = {},
): Promise<INestApplication> {
  return createServiceApp(ClustererModule.forRoot(config, options), config);
}
