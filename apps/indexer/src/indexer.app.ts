import { IndexerConfig } from '@app/config';
import { createServiceApp } from '@app/messaging';
import { INestApplication } from '@nestjs/common';
import { IndexerModule } from './indexer.module';

// The indexer's public surface for integration tests and the maintenance command (test/ may import this file and
// nothing deeper).
export { RecomputeAttributesModule } from './recompute-attributes.module';
export { RecomputeAttributesService } from './recompute-attributes.service';
export { WORK_LOST, WorkReconciler } from './work-reconciler.service';

/**
 * Builds the indexer (queue workers + domain-event transport + HTTP health), initialised and with its
 * microservice started, without listening: the caller runs `await app.listen(config.INDEXER_PORT)`.
 */
export async function createIndexerApp(config: IndexerConfig): Promise<INestApplication> {
  return createServiceApp(IndexerModule.forRoot(config), config);
}
