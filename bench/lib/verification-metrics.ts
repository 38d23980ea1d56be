/** LFW-protocol verification metrics over scored pairs. Pure functions. */

export interface ScoredPair {
  fold: number;
  same: boolean;
  score: number;
}

export interface VerificationReport {
  accuracy: number;
  std: number;
  auc: number;
  tarAtFar1e3: number;
  pairs: number;
  thresholds: number[];
}

/** Best accuracy threshold on `pairs` (midpoints between sorted scores). */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const totalSame = sorted.filter((p) => p.same).length;
  // Threshold below sorted[i]: everything from i up is "same".
  let sameBelow = 0;
  let diffBelow = 0;
  let best = -Infinity;
  let bestT = sorted.length ? sorted[0].score - 1e-6 : 0;
  for (let i = 0; i <= sorted.length; i++) {
    const correct = diffBelow + (totalSame - sameBelow);
    if (correct > best && (i === 0 || i === sorted.length || sorted[i].score !== sorted[i - 1].score)) {
      best = correct;
      bestT =
        i === 0
          ? sorted[0].score - 1e-6
          : i === sorted.length
            ? sorted[i - 1].score + 1e-6
            : (sorted[i].score + sorted[i - 1].score) / 2;
    }
    if (i < sorted.length) {
      if (sorted[i].same) sameBelow++;
      else diffBelow++;
    }
  }
  return bestT;
}

export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return 0;
  return pairs.filter((p) => p.score >= threshold === p.same).length / pairs.length;
}

/** Area under the ROC curve (probability a same pair outscores a different pair; ties count half). */
export function rocAuc(pairs: readonly ScoredPair[]): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const nPos = sorted.filter((p) => p.same).length;
  const nNeg = sorted.length - nPos;
  if (!nPos || !nNeg) return NaN;
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].same) rankSum += avgRank;
    i = j;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** True-accept rate at the threshold letting through at most `far` of the different-person pairs. */
export function tarAtFar(pairs: readonly ScoredPair[], far: number): number {
  const neg = pairs
    .filter((p) => !p.same)
    .map((p) => p.score)
    .sort((a, b) => b - a);
  const pos = pairs.filter((p) => p.same);
  if (!neg.length || !pos.length) return NaN;
  const allowed = Math.floor(far * neg.length);
  // Accept scores strictly above the (allowed+1)-th highest impostor score.
  const threshold = neg[Math.min(allowed, neg.length - 1)];
  return pos.filter((p) => p.score > threshold).length / pos.length;
}

/** Standard LFW protocol: per fold, threshold chosen on the other folds, accuracy measured on this fold. */
export function lfwTenFold(pairs: readonly ScoredPair[]): VerificationReport {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const accs: number[] = [];
  const thresholds: number[] = [];
  for (const f of folds) {
    const t = bestThreshold(pairs.filter((p) => p.fold !== f));
    thresholds.push(t);
    accs.push(
      accuracyAt(
        pairs.filter((p) => p.fold === f),
        t,
      ),
    );
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  return {
    accuracy: mean,
    std,
    auc: rocAuc(pairs),
    tarAtFar1e3: tarAtFar(pairs, 1e-3),
    pairs: pairs.length,
    thresholds,
  };
}
