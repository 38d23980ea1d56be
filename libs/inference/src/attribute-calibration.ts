/**
 * Calibration of the age/gender network's raw outputs, and the fitting functions that produce it (used by
 * bench/attributes.ts --fit on one half of the labelled photos; the other half checks it).
 *
 * Gender: Platt scaling, P(male) = sigmoid(a · z + b) on the network's logit z = log(P(male) / P(female)), fitted
 * with both classes weighted equally and Platt's smoothed targets (which keep the slope finite when the fitting
 * half is separated), so the confidence means "right this often" whatever the share of men in a collection.
 * Age: a piecewise-linear table over the raw age: the expected true age (a correction of the network's
 * regression to the mean) and the spread of the error around it, scaled so that Age ± 2·AgeSD held the true age
 * for the target share of the fitting half.
 */

export interface GenderCalibration {
  a: number;
  b: number;
}

export interface AgeCalibration {
  /** Raw ages (years) at which `age` and `sd` are given, ascending; linear in between, constant outside. */
  knots: number[];
  age: number[];
  sd: number[];
}

export interface AttributeCalibration {
  gender: GenderCalibration;
  age: AgeCalibration;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Calibrated probability that the face is a man's, from the network's male-vs-female logit. */
export function calibratedMaleProbability(maleLogit: number, c: GenderCalibration): number {
  return sigmoid(c.a * maleLogit + c.b);
}

function interpolate(knots: readonly number[], values: readonly number[], x: number): number {
  if (x <= knots[0]) return values[0];
  const last = knots.length - 1;
  if (x >= knots[last]) return values[last];
  let i = 1;
  while (knots[i] < x) i++;
  const t = (x - knots[i - 1]) / (knots[i] - knots[i - 1]);
  return values[i - 1] + t * (values[i] - values[i - 1]);
}

/** Calibrated age and its standard deviation (years) for a raw network age. */
export function calibratedAge(rawAge: number, c: AgeCalibration): { age: number; ageSD: number } {
  return { age: Math.max(0, interpolate(c.knots, c.age, rawAge)), ageSD: interpolate(c.knots, c.sd, rawAge) };
}

/**
 * Weighted logistic regression of `labels` (1 = male) on the logits by Newton's method: Platt (1999), with his
 * smoothed targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2), and the class weights normalised so that men and women
 * weigh the same in total.
 */
export function fitPlatt(logits: readonly number[], labels: readonly (0 | 1)[]): GenderCalibration {
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (!positives || !negatives) throw new Error('fitPlatt: both classes are needed');
  const target = labels.map((l) => (l === 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)));
  const weight = labels.map((l) => (l === 1 ? labels.length / (2 * positives) : labels.length / (2 * negatives)));
  // Weighted cross-entropy, computed without overflow (Lin, Lin & Weng 2007).
  const loss = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < logits.length; i++) {
      const z = a * logits[i] + b;
      f +=
        weight[i] *
        (z >= 0 ? (1 - target[i]) * z + Math.log1p(Math.exp(-z)) : -target[i] * z + Math.log1p(Math.exp(z)));
    }
    return f;
  };
  let a = 0;
  let b = 0;
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < logits.length; i++) {
      const x = logits[i];
      const p = sigmoid(a * x + b);
      const r = weight[i] * (p - target[i]);
      const s = weight[i] * p * (1 - p);
      ga += r * x;
      gb += r;
      haa += s * x * x;
      hab += s * x;
      hbb += s;
    }
    if (Math.abs(ga) + Math.abs(gb) < 1e-9 * logits.length) break;
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Newton step, halved until the loss decreases (plain Newton overshoots where the sigmoid saturates).
    let step = 1;
    while (step > 1e-10 && loss(a - step * da, b - step * db) >= current) step /= 2;
    if (step <= 1e-10) break;
    a -= step * da;
    b -= step * db;
    current = loss(a, b);
  }
  return { a, b };
}

/**
 * Age table: at each knot, the Gaussian-kernel (bandwidth `bandwidth` years of raw age) weighted mean true age and
 * root-mean-square error around it; the spreads are then scaled by one factor so that |true - age| ≤ 2·sd holds
 * for `coverage` of the fitting photos.
 */
export function fitAgeCalibration(
  raw: readonly number[],
  truth: readonly number[],
  knots: readonly number[],
  bandwidth = 6,
  coverage = 0.935,
): AgeCalibration {
  const age: number[] = [];
  const sd: number[] = [];
  for (const k of knots) {
    let sw = 0;
    let sy = 0;
    for (let i = 0; i < raw.length; i++) {
      const w = Math.exp(-0.5 * ((raw[i] - k) / bandwidth) ** 2);
      sw += w;
      sy += w * truth[i];
    }
    const mean = sw > 1e-9 ? sy / sw : k;
    let se = 0;
    for (let i = 0; i < raw.length; i++) {
      const w = Math.exp(-0.5 * ((raw[i] - k) / bandwidth) ** 2);
      se += w * (truth[i] - mean) ** 2;
    }
    age.push(mean);
    sd.push(sw > 1e-9 ? Math.sqrt(se / sw) : NaN);
  }
  // Knots without data take their neighbour's values.
  for (let i = 0; i < knots.length; i++) {
    if (Number.isNaN(sd[i])) sd[i] = sd[i - 1] ?? sd.find((v) => !Number.isNaN(v)) ?? 10;
  }
  const table: AgeCalibration = { knots: [...knots], age, sd };
  // Smallest scale with the wanted coverage: the coverage-quantile of |error| / sd.
  const ratios = raw
    .map((r, i) => {
      const c = calibratedAge(r, table);
      return Math.abs(truth[i] - c.age) / (2 * c.ageSD);
    })
    .sort((p, q) => p - q);
  const scale = ratios[Math.min(ratios.length - 1, Math.floor(coverage * ratios.length))] ?? 1;
  return { knots: [...knots], age, sd: sd.map((v) => v * scale) };
}

/**
 * Fitted by `npm run bench:attributes -- --fit` on 2026-12-03, half A of each set (split by a hash of the person or
 * file): gender on 778 LFW dev faces (1,500 photos spread over lfw-dev), age on 694 UTKFace dev faces (1,400
 * photos, padded); the figures of libs/inference/README.md are measured on the other half.
 */
export const FACE_API_CALIBRATION: AttributeCalibration = {
  gender: { a: 1.5232, b: -1.3992 },
  age: {
    knots: [0, 3, 6, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100],
    age: [
      4.17, 5.45, 7.49, 11.75, 18.47, 23.84, 27.79, 31.94, 37.12, 42.56, 47.56, 52.6, 57.83, 62.87, 67.57, 71.98, 76.19,
      79.9, 82.56, 84.62, 90.42,
    ],
    sd: [
      2.99, 3.7, 4.6, 5.95, 7, 7.11, 6.97, 7.1, 7.42, 7.36, 7.42, 7.86, 8.04, 7.74, 7.22, 6.65, 6.03, 5.21, 4.52, 4.63,
      4.62,
    ],
  },
};
