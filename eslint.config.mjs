// @ts-check
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Every folder of apps/ and libs/ is one app or one lib (derived, so a new one is covered without editing this).
const foldersOf = (dir) =>
  readdirSync(join(import.meta.dirname, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
const apps = foldersOf('apps');
const libs = foldersOf('libs');

/**
 * Import boundaries (test/lint-boundaries.spec.ts proves each one fails lint):
 * - apps never import other apps, and libs never import apps: they talk through queues, events and the database;
 * - outside a lib, its code is reached only through its entry point `@app/<lib>` (libs/<lib>/src/index.ts),
 *   never through a relative path into its src/ nor an `@app/<lib>/...` subpath;
 * - the exceptions, for test/ only: it may import an app's public factory file (apps/<app>/src/<app>.app.ts,
 *   which exports what integration tests need to start and drive the app), nothing deeper; and a lib's unit
 *   specs (`*.spec.ts`), to run them again in the integration environment. bench/ and scripts/ may not.
 * Imports are resolved (tsconfig paths included), so `../../libs/x/src/y` and `@app/x` are judged by their target.
 */
const boundaryZones = [
  ...apps.map((app) => ({
    target: `./apps/${app}`,
    from: apps.filter((other) => other !== app).map((other) => `./apps/${other}`),
    message: 'Apps never import each other: talk through queues, events and the database.',
  })),
  { target: './libs', from: './apps', message: 'Libs never import apps.' },
  {
    target: ['./bench', './scripts'],
    from: './apps',
    message: 'Only test/ may import an app, and only its public factory file.',
  },
  {
    target: './test',
    from: './apps',
    except: apps.map((app) => `./${app}/src/${app}.app.ts`),
    message: "Tests may import only an app's public factory file (apps/<app>/src/<app>.app.ts).",
  },
  ...libs.map((lib) => ({
    target: [
      './apps',
      './bench',
      './scripts',
      ...libs.filter((other) => other !== lib).map((other) => `./libs/${other}`),
    ],
    from: `./libs/${lib}/src`,
    except: ['./index.ts'],
    message: `Import ${lib} through its entry point @app/${lib}.`,
  })),
  ...libs.map((lib) => ({
    target: './test',
    from: `./libs/${lib}/src/**`,
    except: [`**/libs/${lib}/src/index.ts`, `**/libs/${lib}/src/**/*.spec.ts`],
    message: `Import ${lib} through its entry point @app/${lib}.`,
  })),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-output/**',
      '.data/**',
      '.cache/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: boundaryZones }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@app/*/**'], message: 'Import a lib only through its entry point @app/<lib>, no subpath.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
