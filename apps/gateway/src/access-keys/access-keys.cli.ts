/**
 * AccessKeys from the command line (the operator's tool; the API has the same as CreateAccessKey,
 * ListAccessKeys and RevokeAccessKey with API_KEY). Reads the gateway's environment: DATABASE_URL,
 * DATABASE_SCHEMA and ACCESS_KEY_ENCRYPTION_KEY.
 *
 *   npm run access-keys -- create [--projects a,b] [--description "..."]   prints the pair once
 *   npm run access-keys -- list
 *   npm run access-keys -- revoke <AccessKeyId>
 */
import { parseArgs } from 'node:util';
import { databaseOptions, gatewayEnvSchema, loadConfigOrExit } from '@app/config';
import { AccessKeyRepository, createDataSource } from '@app/database';
import { AccessKeyService } from '../auth/access-key.service';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { projects: { type: 'string' }, description: { type: 'string' } },
  });
  const [command, argument] = positionals;
  const config = loadConfigOrExit(gatewayEnvSchema);
  const dataSource = createDataSource(databaseOptions(config));
  await dataSource.initialize();
  try {
    const service = new AccessKeyService(config, new AccessKeyRepository(dataSource));
    switch (command) {
      case 'create': {
        const projects = values.projects
          ? values.projects
              .split(',')
              .map((p) => p.trim())
              .filter(Boolean)
          : null;
        const key = await service.create({ projects, description: values.description });
        process.stdout.write(`${JSON.stringify(key, null, 2)}\nThe secret is shown only this once.\n`);
        break;
      }
      case 'list':
        process.stdout.write(`${JSON.stringify(await service.list(), null, 2)}\n`);
        break;
      case 'revoke':
        if (!argument) throw new Error('usage: access-keys revoke <AccessKeyId>');
        await service.revoke(argument);
        process.stdout.write(`Revoked ${argument}.\n`);
        break;
      default:
        throw new Error(
          'usage: access-keys create [--projects a,b] [--description text] | list | revoke <AccessKeyId>',
        );
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
