import { IndexerConfig } from '@app/config';
import { createServiceApp } from '@app/messaging';
import { INestApplication } from '@nestjs/common';
import { IndexerModule } from './indexer.module';

/** The maintenance command's module and service, for the command's script and its test. */
export { RecomputeAttributesModule } from './recompute-attributes.module';
export { RecomputeAttributesService } from './recompute-attributes.service';

/**
 * Builds the indexer (queue workers + domain-event transport + HTTP health), initialised and with its
 * microservice started, without listening: the caller runs `await app.listen(config.INDEXER_PORT)`.
 */
export async function createIndexerApp(config: IndexerConfig): Promise<INestApplication> {
  return createServiceApp(IndexerModule.forRoot(config), config);
}
