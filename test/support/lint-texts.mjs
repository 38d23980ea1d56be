// Lints source texts at given paths with the repository's ESLint configuration, through ESLint's Node API.
// Run as a child process by test/lint-boundaries.spec.ts (Jest cannot load the ESM config in its VM).
// stdin: [{ filePath, code }]; stdout: [[{ ruleId, message, fatal }]] in the same order.
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

const root = join(import.meta.dirname, '..', '..');
const probes = JSON.parse(readFileSync(0, 'utf8'));
// The real configuration; only type-aware linting is switched off, so probe files need not exist on disk.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });
const results = [];
for (const { filePath, code } of probes) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  results.push(result.messages.map(({ ruleId, message, fatal }) => ({ ruleId, message, fatal: fatal ?? false })));
}
process.stdout.write(JSON.stringify(results));
