/**
 * LFW verification through the project's own pipeline (detect -> central face -> align -> embed).
 *   npm run bench:verify -- --dataset ../shared/datasets/lfw-dev --pairs ../shared/datasets/lfw-dev-pairs.txt
 *   [--workers 2] [--rgb] [--no-cache]
 * Prints 10-fold accuracy ± std, AUC, TAR@FAR=1e-3, accuracy by face-quality band, and a final JSON line.
 */
import { join } from 'node:path';
import { datasetsRoot, numberArg, parseArgs } from './lib/args';
import { embedDataset, type DatasetFace } from './lib/embed-dataset';
import { readLfwPairs } from './lib/pairs-file';
import { accuracyAt, lfwTenFold, type ScoredPair } from './lib/verification-metrics';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

async function main(): Promise<void> {
  const args = parseArgs();
  const dataset = args.get('dataset') ?? join(datasetsRoot(), 'lfw-dev');
  const pairsFile = args.get('pairs') ?? join(datasetsRoot(), 'lfw-dev-pairs.txt');
  const rgb = args.has('rgb');
  const pairs = readLfwPairs(pairsFile);
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  console.log(`${pairs.length} pairs, ${files.length} images, embedding channel order ${rgb ? 'RGB' : 'BGR'}`);

  const started = Date.now();
  const faces = await embedDataset(dataset, {
    files,
    workers: numberArg(args, 'workers', 2),
    cacheDir: args.has('no-cache') ? false : undefined,
    inference: {
      intraOpThreads: 1,
      interOpThreads: 1,
      allowSpinning: false,
      embeddingChannelOrder: rgb ? 'rgb' : 'bgr',
    },
    onProgress: (done, total) => {
      if (done % 500 === 0 || done === total) process.stderr.write(`  embedded ${done}/${total}\n`);
    },
  });
  const missing = files.filter((f) => !faces.has(f));
  if (missing.length) throw new Error(`${missing.length} images failed, e.g. ${missing[0]}`);
  const undetected = files.filter((f) => !faces.get(f)!.detected).length;
  console.log(
    `embedded in ${((Date.now() - started) / 1000).toFixed(1)} s; undetected (fallback box used): ${undetected}`,
  );

  const face = (f: string): DatasetFace => faces.get(f)!;
  const scored: (ScoredPair & { quality: number; hd: boolean })[] = pairs.map((p) => ({
    fold: p.fold,
    same: p.same,
    score: dot(face(p.a).embedding, face(p.b).embedding),
    quality: Math.min(face(p.a).faceQuality, face(p.b).faceQuality),
    hd: face(p.a).isHD && face(p.b).isHD,
  }));
  const report = lfwTenFold(scored);
  const threshold = report.thresholds.reduce((a, b) => a + b, 0) / report.thresholds.length;
  console.log(
    `accuracy ${(report.accuracy * 100).toFixed(2)}% ± ${(report.std * 100).toFixed(2)}  AUC ${report.auc.toFixed(4)}  TAR@FAR=0.1% ${(report.tarAtFar1e3 * 100).toFixed(1)}%  mean threshold ${threshold.toFixed(3)}`,
  );

  // Does faceQuality predict recognisability? Accuracy at the global threshold per band of min(quality).
  const bands: [string, (q: number) => boolean][] = [
    ['q < 0.5', (q) => q < 0.5],
    ['0.5 <= q < 0.8', (q) => q >= 0.5 && q < 0.8],
    ['q >= 0.8', (q) => q >= 0.8],
  ];
  const qualityBands: Record<string, { pairs: number; accuracy: number }> = {};
  for (const [name, test] of bands) {
    const sub = scored.filter((p) => test(p.quality));
    qualityBands[name] = { pairs: sub.length, accuracy: accuracyAt(sub, threshold) };
    console.log(
      `  pairs with min faceQuality ${name.padEnd(15)}: ${String(sub.length).padStart(5)} pairs, accuracy ${(accuracyAt(sub, threshold) * 100).toFixed(2)}%`,
    );
  }
  const hd = scored.filter((p) => p.hd);
  const nonHd = scored.filter((p) => !p.hd);
  console.log(
    `  both isHD: ${hd.length} pairs, accuracy ${(accuracyAt(hd, threshold) * 100).toFixed(2)}%; others: ${nonHd.length} pairs, ${(accuracyAt(nonHd, threshold) * 100).toFixed(2)}%`,
  );
  const errors = scored.filter((p) => p.score >= threshold !== p.same);
  const sortedQ = [...scored].sort((a, b) => a.quality - b.quality);
  const worstDecile = sortedQ.slice(0, Math.ceil(scored.length / 10));
  const rest = sortedQ.slice(worstDecile.length);
  console.log(
    `  lowest-quality 10% of pairs: accuracy ${(accuracyAt(worstDecile, threshold) * 100).toFixed(2)}%; other 90%: ${(accuracyAt(rest, threshold) * 100).toFixed(2)}%; errors ${errors.length}`,
  );

  console.log(
    JSON.stringify({
      accuracy: +report.accuracy.toFixed(4),
      std: +report.std.toFixed(4),
      auc: +report.auc.toFixed(4),
      tarAtFar1e3: +report.tarAtFar1e3.toFixed(4),
      pairs: report.pairs,
      undetected,
      channelOrder: rgb ? 'rgb' : 'bgr',
      threshold: +threshold.toFixed(4),
      lowQualityDecileAccuracy: +accuracyAt(worstDecile, threshold).toFixed(4),
      otherAccuracy: +accuracyAt(rest, threshold).toFixed(4),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
