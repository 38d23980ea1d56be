import { commonEnvSchema, databaseOptions, loadConfigOrExit } from '@app/config';
import { runMigrations } from '@app/database';

/** The one-shot migrate step that runs before the apps start (npm run migrate; a compose/k8s init job). */
async function main(): Promise<void> {
  const config = loadConfigOrExit(commonEnvSchema);
  const applied = await runMigrations(databaseOptions(config));
  process.stdout.write(
    applied.length ? `Applied migrations: ${applied.join(', ')}\n` : 'Database schema is up to date.\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
