import { indexerEnvSchema, loadConfigOrExit } from '@app/config';
import { Logger } from '@nestjs/common';
import { createIndexerApp } from './indexer.app';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(indexerEnvSchema);
  const app = await createIndexerApp(config);
  app.enableShutdownHooks();
  await app.listen(config.INDEXER_PORT);
  new Logger('Indexer').log(
    `Indexer ready (concurrency ${config.INDEXER_CONCURRENCY}); health on :${config.INDEXER_PORT}/health/ready`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Indexer failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
