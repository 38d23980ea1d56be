import { gatewayEnvSchema, indexerEnvSchema } from './env.schema';
import { InvalidConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(gatewayEnvSchema, {});
    expect(config.GATEWAY_PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/facecluster');
    expect(config.CLUSTER_DEBOUNCE_MS).toBe(10_000);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(gatewayEnvSchema, { GATEWAY_PORT: '' }).GATEWAY_PORT).toBe(3000);
  });

  it('coerces numbers and booleans', () => {
    const config = loadConfig(indexerEnvSchema, { ORT_ALLOW_SPINNING: 'true', INDEXER_CONCURRENCY: '3' });
    expect(config.ORT_ALLOW_SPINNING).toBe(true);
    expect(config.INDEXER_CONCURRENCY).toBe(3);
  });

  it('parses the attribute list and always keeps pose (the HD rule needs it)', () => {
    expect(loadConfig(indexerEnvSchema, { INDEXER_ATTRIBUTES: 'age, gender' }).INDEXER_ATTRIBUTES).toEqual([
      'age',
      'gender',
      'pose',
    ]);
    expect(() => loadConfig(indexerEnvSchema, { INDEXER_ATTRIBUTES: 'age,glasses' })).toThrow(/INDEXER_ATTRIBUTES/);
  });

  it('names every invalid variable', () => {
    try {
      loadConfig(gatewayEnvSchema, { GATEWAY_PORT: 'eighty', REDIS_URL: 'http://x', DATABASE_SCHEMA: 'Drop;' });
      fail('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      const message = (error as Error).message;
      expect(message).toContain('GATEWAY_PORT');
      expect(message).toContain('REDIS_URL');
      expect(message).toContain('DATABASE_SCHEMA');
    }
  });
});
