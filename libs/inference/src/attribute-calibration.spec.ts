import {
  calibratedAge,
  calibratedMaleProbability,
  fitAgeCalibration,
  fitPlatt,
  sigmoid,
} from './attribute-calibration';
import { seededRandom } from '@app/clustering';

describe('fitPlatt', () => {
  it('recovers the slope and offset of logistic data, whatever the share of each class', () => {
    const random = seededRandom(7);
    const logits: number[] = [];
    const labels: (0 | 1)[] = [];
    // Logits of an over-confident network: the true P(male) is sigmoid(0.5 z - 1).
    for (let i = 0; i < 20000; i++) {
      const z = (random() - 0.5) * 16;
      logits.push(z);
      labels.push(random() < sigmoid(0.5 * z - 1) ? 1 : 0);
    }
    const fit = fitPlatt(logits, labels);
    expect(fit.a).toBeCloseTo(0.5, 1);
    // Balanced weighting moves the offset by log(women / men) of the data.
    const men = labels.filter((l) => l === 1).length;
    expect(fit.b).toBeCloseTo(-1 + Math.log((labels.length - men) / men), 1);
    expect(calibratedMaleProbability(10, fit)).toBeGreaterThan(0.95);
  });

  it('keeps the slope finite on separated data and needs both classes', () => {
    const fit = fitPlatt([-5, -4, -3, 3, 4, 5], [0, 0, 0, 1, 1, 1]);
    expect(Number.isFinite(fit.a)).toBe(true);
    expect(calibratedMaleProbability(3, fit)).toBeLessThan(0.9);
    expect(() => fitPlatt([1, 2], [1, 1])).toThrow(/both classes/);
  });
});

describe('fitAgeCalibration', () => {
  it('corrects a biased regression and gives an interval that holds the asked share', () => {
    const random = seededRandom(3);
    const raw: number[] = [];
    const truth: number[] = [];
    // A network that squeezes ages towards 35 and whose error grows with age.
    for (let i = 0; i < 8000; i++) {
      const age = 1 + random() * 90;
      const noise = (random() + random() + random() - 1.5) * 2 * (2 + age / 10);
      truth.push(age);
      raw.push(35 + (age - 35) * 0.6 + noise * 0.6);
    }
    const table = fitAgeCalibration(raw, truth, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    let inside = 0;
    let error = 0;
    let uncorrected = 0;
    raw.forEach((r, i) => {
      const c = calibratedAge(r, table);
      error += Math.abs(c.age - truth[i]);
      uncorrected += Math.abs(r - truth[i]);
      if (Math.abs(c.age - truth[i]) <= 2 * c.ageSD) inside++;
    });
    expect(inside / raw.length).toBeGreaterThan(0.92);
    expect(inside / raw.length).toBeLessThan(0.95);
    // The squeeze towards 35 is undone: the error is well below the raw one.
    expect(error).toBeLessThan(0.75 * uncorrected);
    // The spread is larger for the old than for the young.
    expect(calibratedAge(70, table).ageSD).toBeGreaterThan(calibratedAge(15, table).ageSD);
  });
});
