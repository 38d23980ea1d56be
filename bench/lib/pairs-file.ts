import { readFileSync } from 'node:fs';

export interface LfwPair {
  fold: number;
  same: boolean;
  /** Paths relative to the dataset folder: `Name/Name_0001.jpg`. */
  a: string;
  b: string;
}

function file(name: string, index: string): string {
  return `${name}/${name}_${index.padStart(4, '0')}.jpg`;
}

/** Parses the standard LFW pairs.txt: header `folds<TAB>n`, then per fold n same then n different lines. */
export function readLfwPairs(path: string): LfwPair[] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const [folds, perFold] = lines[0].trim().split(/\s+/).map(Number) as [number, number];
  const pairs: LfwPair[] = [];
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i].trim().split(/\s+/);
    const fold = Math.floor((i - 1) / (2 * perFold));
    if (fold >= folds) break;
    if (parts.length === 3) pairs.push({ fold, same: true, a: file(parts[0], parts[1]), b: file(parts[0], parts[2]) });
    else if (parts.length === 4)
      pairs.push({ fold, same: false, a: file(parts[0], parts[1]), b: file(parts[2], parts[3]) });
    else throw new Error(`${path}:${i + 1}: unexpected pair line`);
  }
  return pairs;
}
