import { resolve } from 'node:path';

/** `--key value` / `--flag` command-line parsing for the benchmarks (npm passes them after `--`). */
export function parseArgs(argv = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.set(a.slice(2), next);
      i++;
    } else out.set(a.slice(2), 'true');
  }
  return out;
}

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Shared test photos: $FACECLUSTER_DATASETS, default <repo>/../shared/datasets. */
export function datasetsRoot(): string {
  // Benchmarks are tooling, not app code: reading the environment here does not go through @app/config.
  return process.env['FACECLUSTER_DATASETS'] ?? resolve(REPO_ROOT, '..', 'shared', 'datasets');
}

export function numberArg(args: Map<string, string>, key: string, fallback: number): number {
  const v = args.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${key} must be a number, got ${v}`);
  return n;
}
