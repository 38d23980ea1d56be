/**
 * bench:attributes: how far Gender / GenderConfidence and Age / AgeSD can be trusted.
 *
 *   npm run bench:attributes -- --dataset ../shared/datasets/lfw-dev --gender ../shared/datasets/lfw-dev-gender.tsv
 *   npm run bench:attributes -- --ages ../shared/datasets/utkface-dev --age-labels ../shared/datasets/utkface-dev.tsv
 *
 * Options: --model face-api|ssr-net (default face-api), --limit N (photos per set, spread evenly), --cache FILE
 * (per-face raw outputs, reused when present: refit without re-running the models), --fit (fit the calibration on
 * half A and print it; without it the shipped FACE_API_CALIBRATION is used), --pad F (UTKFace: pad each side by
 * F x the image size before detection, default 0.5).
 *
 * Photos are split in two halves by a hash of the person (LFW) or the file (UTKFace): calibration is fitted on
 * half A only, and every figure printed is measured on half B. Per face: accuracy for men, for women and
 * balanced; accuracy by confidence bucket; per cluster (LFW clustered by the real clusterer): the
 * confidence-weighted vote against the person's gender. Age: mean absolute error by decade, their mean, and the
 * share of true ages inside Age ± 2·AgeSD.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { clusterBatch, clusterGender, type FaceInput } from '@app/clustering';
import {
  calibratedAge,
  calibratedMaleProbability,
  createFacePipeline,
  FACE_API_CALIBRATION,
  fitAgeCalibration,
  fitPlatt,
  type AgeCalibration,
  type AgeGenderModel,
  type GenderCalibration,
} from '@app/inference';
import { numberArg, parseArgs } from './lib/args';

interface FaceRecord {
  file: string;
  group: string;
  gender: 'male' | 'female';
  age?: number;
  detected: boolean;
  isHD?: boolean;
  rawAge?: number;
  rawMaleLogit?: number;
  /** What the pipeline returned (for ssr-net, the only outputs). */
  outAge?: number;
  outAgeSD?: number;
  outGender?: 'male' | 'female';
  outGenderConfidence?: number;
  embedding?: string;
}

const AGE_KNOTS = [0, 3, 6, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100];

function hashHalf(key: string): 'A' | 'B' {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % 2 === 0 ? 'A' : 'B';
}

function readTsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const keys = header.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [keys[i], v])));
}

function spread<T>(items: T[], limit: number): T[] {
  if (limit <= 0 || limit >= items.length) return items;
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]);
}

async function analyse(
  model: AgeGenderModel,
  items: { file: string; group: string; gender: 'male' | 'female'; age?: number; path: string }[],
  pad: number,
  keepEmbedding: boolean,
): Promise<FaceRecord[]> {
  const pipeline = createFacePipeline({
    intraOpThreads: 1,
    interOpThreads: 1,
    allowSpinning: false,
    ageGenderModel: model,
    // No pose: it is the costliest attribute and only feeds isHD, which this benchmark does not need (the
    // clustering below treats every face as HD, as bench:cluster --hd all does).
    attributes: ['age', 'gender'],
  });
  await pipeline.loadModels();
  const out: FaceRecord[] = [];
  const started = Date.now();
  for (const [n, item] of items.entries()) {
    let buffer = readFileSync(item.path);
    if (pad > 0) {
      const meta = await sharp(buffer).metadata();
      const p = Math.round(Math.max(meta.width ?? 0, meta.height ?? 0) * pad);
      buffer = await sharp(buffer)
        .extend({ top: p, bottom: p, left: p, right: p, background: { r: 127, g: 127, b: 127 } })
        .jpeg({ quality: 95 })
        .toBuffer();
    }
    const r = await pipeline.analyzeWithDiagnostics(buffer, { thumbnails: false });
    const cx = r.width / 2;
    const cy = r.height / 2;
    let best = -1;
    let bestDist = Infinity;
    r.faces.forEach((f, i) => {
      const d = Math.hypot(f.boundary.left + f.boundary.width / 2 - cx, f.boundary.top + f.boundary.height / 2 - cy);
      if (d < bestDist) [best, bestDist] = [i, d];
    });
    const record: FaceRecord = {
      file: item.file,
      group: item.group,
      gender: item.gender,
      age: item.age,
      detected: best >= 0,
    };
    if (best >= 0) {
      const f = r.faces[best];
      Object.assign(record, {
        isHD: f.isHD,
        rawAge: r.rawAttributes[best].age,
        rawMaleLogit: r.rawAttributes[best].maleLogit,
        outAge: f.age,
        outAgeSD: f.ageSD,
        outGender: f.gender,
        outGenderConfidence: f.genderConfidence,
        embedding: keepEmbedding
          ? Buffer.from(f.embedding.buffer, f.embedding.byteOffset, f.embedding.byteLength).toString('base64')
          : undefined,
      });
    }
    out.push(record);
    if ((n + 1) % 100 === 0 || n + 1 === items.length) {
      process.stderr.write(
        `\r  ${n + 1}/${items.length} photos, ${((Date.now() - started) / (n + 1)).toFixed(0)} ms each`,
      );
    }
  }
  process.stderr.write('\n');
  return out;
}

function loadOrAnalyse(cache: string | undefined, run: () => Promise<FaceRecord[]>): Promise<FaceRecord[]> {
  if (cache && existsSync(cache)) return Promise.resolve(JSON.parse(readFileSync(cache, 'utf8')) as FaceRecord[]);
  return run().then((records) => {
    if (cache) writeFileSync(cache, JSON.stringify(records));
    return records;
  });
}

/** Gender and its confidence for a record, from the raw output and a calibration (face-api) or as returned. */
function genderOf(
  r: FaceRecord,
  model: AgeGenderModel,
  cal: GenderCalibration,
): { gender: 'male' | 'female'; confidence: number } {
  if (model === 'face-api') {
    const p = calibratedMaleProbability(r.rawMaleLogit!, cal);
    return { gender: p >= 0.5 ? 'male' : 'female', confidence: Math.max(p, 1 - p) };
  }
  return { gender: r.outGender!, confidence: r.outGenderConfidence! };
}

function ageOf(r: FaceRecord, model: AgeGenderModel, cal: AgeCalibration): { age: number; ageSD: number } {
  return model === 'face-api' ? calibratedAge(r.rawAge!, cal) : { age: r.outAge!, ageSD: r.outAgeSD! };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function genderReport(records: FaceRecord[], model: AgeGenderModel, cal: GenderCalibration): Record<string, number> {
  const faces = records.filter((r) => r.detected);
  const right = (g: 'male' | 'female'): number => {
    const of = faces.filter((r) => r.gender === g);
    return of.filter((r) => genderOf(r, model, cal).gender === g).length / Math.max(1, of.length);
  };
  const men = right('male');
  const women = right('female');
  console.log(
    `  per face: men ${pct(men)}, women ${pct(women)}, balanced ${pct((men + women) / 2)} (${faces.length} faces; ${records.length - faces.length} photos without a face)`,
  );
  const buckets = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001];
  const rows: string[] = [];
  for (let i = 0; i + 1 < buckets.length; i++) {
    const inBucket = faces
      .map((r) => ({ r, g: genderOf(r, model, cal) }))
      .filter(({ g }) => g.confidence >= buckets[i] && g.confidence < buckets[i + 1]);
    if (!inBucket.length) continue;
    const acc = inBucket.filter(({ r, g }) => g.gender === r.gender).length / inBucket.length;
    const mean = inBucket.reduce((s, { g }) => s + g.confidence, 0) / inBucket.length;
    rows.push(
      `[${buckets[i].toFixed(2)}, ${Math.min(1, buckets[i + 1]).toFixed(2)}): ${inBucket.length} faces, mean confidence ${pct(mean)}, right ${pct(acc)}`,
    );
  }
  console.log(`  calibration by confidence bucket:\n    ${rows.join('\n    ')}`);
  return { men, women, balanced: (men + women) / 2 };
}

async function clusterReport(records: FaceRecord[], model: AgeGenderModel, cal: GenderCalibration): Promise<number> {
  const faces = records.filter((r) => r.detected && r.embedding);
  const inputs: FaceInput[] = faces.map((r) => {
    const b = Buffer.from(r.embedding!, 'base64');
    return {
      faceId: r.file,
      imageId: r.file,
      embedding: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice(),
      isHD: true,
      quality: 1,
    };
  });
  const result = await clusterBatch(inputs);
  const byFile = new Map(faces.map((r) => [r.file, r]));
  const members = new Map<string, FaceRecord[]>();
  for (const a of result.assignments) {
    if (!a.clusterId) continue;
    const list = members.get(a.clusterId) ?? [];
    list.push(byFile.get(a.faceId)!);
    members.set(a.clusterId, list);
  }
  let right = 0;
  let women = 0;
  let womenRight = 0;
  for (const list of members.values()) {
    // The cluster's true gender: its majority person's.
    const count = new Map<string, number>();
    for (const r of list) count.set(r.group, (count.get(r.group) ?? 0) + 1);
    const person = [...count.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const truth = list.find((r) => r.group === person)!.gender;
    const voted = clusterGender(
      list.map((r) => {
        const g = genderOf(r, model, cal);
        return { imageId: r.file, gender: g.gender, genderConfidence: g.confidence };
      }),
    );
    if (voted === truth) right++;
    if (truth === 'female') {
      women++;
      if (voted === truth) womenRight++;
    }
  }
  const accuracy = right / Math.max(1, members.size);
  console.log(
    `  per cluster: ${pct(accuracy)} of ${members.size} clusters right (women's clusters: ${womenRight}/${women})`,
  );
  return accuracy;
}

function decadeOf(age: number): string {
  const d = Math.min(10, Math.floor(age / 10));
  return d === 10 ? '100+' : `${d * 10}-${d * 10 + 9}`;
}

function ageReport(records: FaceRecord[], model: AgeGenderModel, cal: AgeCalibration): Record<string, number> {
  const faces = records.filter((r) => r.detected && r.age !== undefined);
  const byDecade = new Map<string, { err: number; n: number; inside: number }>();
  let inside = 0;
  for (const r of faces) {
    const a = ageOf(r, model, cal);
    const err = Math.abs(a.age - r.age!);
    const ok = err <= 2 * a.ageSD ? 1 : 0;
    inside += ok;
    const d = decadeOf(r.age!);
    const cell = byDecade.get(d) ?? { err: 0, n: 0, inside: 0 };
    cell.err += err;
    cell.n++;
    cell.inside += ok;
    byDecade.set(d, cell);
  }
  const decades = [...byDecade.entries()].sort((a, b) => parseInt(a[0]) - parseInt(b[0]));
  const maes = decades.map(([, c]) => c.err / c.n);
  const meanMae = maes.reduce((s, v) => s + v, 0) / Math.max(1, maes.length);
  console.log(
    `  age MAE by decade: ${decades.map(([d, c]) => `${d} ${(c.err / c.n).toFixed(1)} (n ${c.n}, ±2SD ${pct(c.inside / c.n)})`).join(', ')}`,
  );
  console.log(
    `  mean over decades ${meanMae.toFixed(2)}, worst ${Math.max(...maes).toFixed(1)}; Age ± 2·AgeSD holds the true age for ${pct(inside / Math.max(1, faces.length))} (${faces.length} faces)`,
  );
  return { meanMae, worst: Math.max(...maes), coverage: inside / Math.max(1, faces.length) };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const modelArg = args.get('model') ?? 'face-api';
  if (modelArg !== 'face-api' && modelArg !== 'ssr-net')
    throw new Error(`--model must be face-api or ssr-net, got ${modelArg}`);
  const model: AgeGenderModel = modelArg;
  const limit = numberArg(args, 'limit', 0);
  const fit = args.has('fit');
  const cacheBase = args.get('cache');
  let genderCal = FACE_API_CALIBRATION.gender;
  let ageCal = FACE_API_CALIBRATION.age;
  const json: Record<string, unknown> = { model, date: new Date().toISOString() };

  const lfw = args.get('dataset');
  const lfwLabels = args.get('gender');
  if (lfw && lfwLabels) {
    if (!existsSync(lfw) || !existsSync(lfwLabels)) {
      console.log(`bench:attributes: ${lfw} or ${lfwLabels} not found, skipping LFW`);
    } else {
      const items = spread(
        readTsv(lfwLabels).map((row) => ({
          file: row['file'],
          group: dirname(row['file']),
          gender: row['gender'] as 'male' | 'female',
          path: join(resolve(lfw), row['file']),
        })),
        limit,
      );
      console.log(`LFW gender (${items.length} photos, model ${model})`);
      const records = await loadOrAnalyse(cacheBase && `${cacheBase}.lfw.${model}.json`, () =>
        analyse(model, items, 0, true),
      );
      const a = records.filter((r) => hashHalf(r.group) === 'A' && r.detected);
      const b = records.filter((r) => hashHalf(r.group) === 'B');
      if (fit && model === 'face-api') {
        genderCal = fitPlatt(
          a.map((r) => r.rawMaleLogit!),
          a.map((r) => (r.gender === 'male' ? 1 : 0)),
        );
        console.log(`  fitted on half A (${a.length} faces): gender ${JSON.stringify(genderCal)}`);
      }
      console.log(`  half B (${new Set(b.map((r) => r.group)).size} people):`);
      json['lfw'] = { ...genderReport(b, model, genderCal), perCluster: await clusterReport(b, model, genderCal) };
    }
  }

  const utk = args.get('ages');
  const utkLabels = args.get('age-labels');
  if (utk && utkLabels) {
    if (!existsSync(utk) || !existsSync(utkLabels)) {
      console.log(`bench:attributes: ${utk} or ${utkLabels} not found, skipping UTKFace`);
    } else {
      const items = spread(
        readTsv(utkLabels).map((row) => ({
          file: row['file'],
          group: basename(row['file']),
          gender: row['gender'] as 'male' | 'female',
          age: Number(row['age']),
          path: join(resolve(utk), row['file']),
        })),
        limit,
      );
      const pad = numberArg(args, 'pad', 0.5);
      console.log(`UTKFace age (${items.length} photos, padded ${pad} x size per side, model ${model})`);
      const records = await loadOrAnalyse(cacheBase && `${cacheBase}.utk.${model}.json`, () =>
        analyse(model, items, pad, false),
      );
      const detected = records.filter((r) => r.detected).length;
      console.log(`  ${detected} of ${records.length} photos yield a face`);
      const a = records.filter((r) => hashHalf(r.group) === 'A' && r.detected);
      const b = records.filter((r) => hashHalf(r.group) === 'B');
      if (fit && model === 'face-api') {
        ageCal = fitAgeCalibration(
          a.map((r) => r.rawAge!),
          a.map((r) => r.age!),
          AGE_KNOTS,
        );
        const round = (v: number[]): number[] => v.map((x) => Math.round(x * 100) / 100);
        console.log(
          `  fitted on half A (${a.length} faces): age ${JSON.stringify({ knots: ageCal.knots, age: round(ageCal.age), sd: round(ageCal.sd) })}`,
        );
      }
      console.log(`  half B:`);
      json['utkface'] = { detected, photos: records.length, ...ageReport(b, model, ageCal) };
      console.log('  gender on UTKFace half B:');
      json['utkfaceGender'] = genderReport(b, model, genderCal);
    }
  }
  console.log(JSON.stringify(json));
}

void main();
