import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const boundaryRules = new Set(['import-x/no-restricted-paths', 'no-restricted-imports']);

interface LintMessage {
  ruleId: string | null;
  message: string;
  fatal: boolean;
}

const violations: Array<[kind: string, filePath: string, code: string]> = [
  ['an app importing another app', 'apps/gateway/src/probe.ts', "import '../../indexer/src/indexer.module';"],
  [
    'an app importing another app by its factory',
    'apps/indexer/src/probe.ts',
    "import '../../gateway/src/gateway.app';",
  ],
  ['a lib importing an app', 'libs/database/src/probe.ts', "import '../../../apps/gateway/src/gateway.module';"],
  ['an app reaching into a lib', 'apps/gateway/src/probe.ts', "import '../../../libs/contracts/src/errors';"],
  ['a lib reaching into another lib', 'libs/database/src/probe.ts', "import '../../contracts/src/queues';"],
  ['a lib subpath alias', 'apps/gateway/src/probe.ts', "import '@app/contracts/src/errors';"],
  [
    'a test reaching into a lib',
    'test/probe.e2e-spec.ts',
    "import '../libs/database/src/repositories/task.repository';",
  ],
  ['a test importing app internals', 'test/probe.e2e-spec.ts', "import '../apps/gateway/src/tasks/task.service';"],
  ['a benchmark reaching into a lib', 'bench/lib/probe.ts', "import '../../libs/clustering/src/vector-math';"],
  ['a benchmark importing an app', 'bench/probe.ts', "import '../apps/gateway/src/gateway.app';"],
  ['a script importing an app', 'scripts/probe.ts', "import '../apps/indexer/src/indexer.app';"],
  ['a re-export from another app', 'apps/clusterer/src/probe.ts', "export * from '../../indexer/src/indexer.app';"],
];

const legal: Array<[kind: string, filePath: string, code: string]> = [
  ['an app importing a lib entry point', 'apps/gateway/src/probe.ts', "import '@app/contracts';"],
  ['a lib importing another lib entry point', 'libs/database/src/probe.ts', "import '@app/contracts';"],
  ['a file importing inside its own app', 'apps/gateway/src/probe.ts', "import './gateway.module';"],
  ['a file importing inside its own lib', 'libs/database/src/probe.ts', "import './repositories/task.repository';"],
  ['a test importing an app factory', 'test/probe.e2e-spec.ts', "import '../apps/clusterer/src/clusterer.app';"],
  ['a test importing a lib entry point', 'test/support/probe.ts', "import '@app/testing';"],
  ['a test re-running a lib spec', 'test/probe.e2e-spec.ts', "import '../libs/clustering/src/vector-index.spec';"],
];

/**
 * The import boundaries of eslint.config.mjs, checked with ESLint's Node API (`lintText` at a given path, in a
 * child process): each kind of violating import fails lint and each legal form passes.
 */
describe('lint import boundaries', () => {
  let results: LintMessage[][];

  beforeAll(() => {
    const probes = [...violations, ...legal].map(([, filePath, code]) => ({ filePath, code: `${code}\n` }));
    const out = execFileSync(process.execPath, [join(__dirname, 'support', 'lint-texts.mjs')], {
      input: JSON.stringify(probes),
      encoding: 'utf8',
    });
    results = JSON.parse(out) as LintMessage[][];
  }, 120_000);

  function boundaryErrors(index: number): string[] {
    const messages = results[index];
    const fatal = messages.filter((m) => m.fatal);
    if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('; '));
    return messages.filter((m) => m.ruleId !== null && boundaryRules.has(m.ruleId)).map((m) => m.message);
  }

  it.each(violations.map((v, i) => [...v, i] as const))('rejects %s', (_kind, _path, _code, index) => {
    expect(boundaryErrors(index)).toHaveLength(1);
  });

  it.each(legal.map((v, i) => [...v, violations.length + i] as const))('accepts %s', (_kind, _path, _code, index) => {
    expect(boundaryErrors(index)).toEqual([]);
  });
});
