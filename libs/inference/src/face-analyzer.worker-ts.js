// Worker-thread entry when the app runs from TypeScript sources (tests, ts-node scripts): registers ts-node and
// the repo's path aliases in the new thread, then exports the real worker. A compiled build loads
// face-analyzer.worker.js directly and never uses this file.
const { join } = require('node:path');
const tsconfigPaths = require('tsconfig-paths');

const root = join(__dirname, '..', '..', '..');
require('ts-node').register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
const config = tsconfigPaths.loadConfig(root);
if (config.resultType === 'success') tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
module.exports = require('./face-analyzer.worker.ts');
