import { indexerEnvSchema, loadConfigOrExit } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { RecomputeAttributesModule } from './recompute-attributes.module';
import { RecomputeAttributesService } from './recompute-attributes.service';

/**
 * npm run recompute-attributes [-- --dataset <dataset id>]: recomputes the age and gender of every indexed face
 * (or of one dataset's) and the cluster statistics, in place. Same environment as the indexer.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(indexerEnvSchema);
  const flag = process.argv.indexOf('--dataset');
  const datasetId = flag >= 0 ? (process.argv[flag + 1] ?? null) : null;
  const app = await NestFactory.createApplicationContext(RecomputeAttributesModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    const summary = await app.get(RecomputeAttributesService).run(datasetId);
    process.stdout.write(
      `Recomputed age and gender of ${summary.faces} faces in ${summary.files} files (${summary.failedFiles} files ` +
        `unreadable, left as they were) and the statistics of ${summary.clusters} clusters in ${summary.datasets} datasets.\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`recompute-attributes failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
