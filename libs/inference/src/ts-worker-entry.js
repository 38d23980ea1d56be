// Worker-thread entry for piscina pools when the code runs from TypeScript sources (tests, ts-node scripts,
// benchmarks): registers ts-node and the repo's path aliases in the new thread, then exports the worker module
// named by `workerData.entry` (a .ts file). A compiled build points piscina at the compiled .js worker instead.
const { join } = require('node:path');
const { workerData } = require('piscina');
const tsconfigPaths = require('tsconfig-paths');

const root = join(__dirname, '..', '..', '..');
require('ts-node').register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
const config = tsconfigPaths.loadConfig(root);
if (config.resultType === 'success') tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
module.exports = require(workerData.entry);
