/**
 * Detection recall by face size and false positives.
 *   npm run bench:detect-recall -- [--photos 16] [--min-face 40] [--workers 2]
 * Pastes LFW face crops (130x130 around the face, face ≈ 75% of the crop) at known positions and sizes
 * (32..400 px) into 4000x3000 no-face backgrounds, runs the pipeline, and reports recall per size and
 * unmatched detections per photo; then counts faces reported on misc/noface (raw detector boxes and after the
 * false-positive filter).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsRoot, numberArg, parseArgs } from './lib/args';
import { listImages } from './lib/embed-dataset';
import { PipelinePool } from './lib/pipeline-pool';
import type { AnalyzeSummary } from './lib/pipeline-tasks';
import { seededRandom } from '@app/clustering';
import { composePhoto, imagesIn, lfwFaceCrop, type Paste } from './lib/synthetic-photos';

/** Face sizes (px, face ≈ 0.75 x pasted crop side). */
const FACE_SIZES = [32, 40, 48, 64, 80, 100, 128, 160, 200, 300, 400];
const FACE_IN_CROP = 0.75;
const CELL = 560;
const CELLS_X = 7;
const CELLS_Y = 5;

async function main(): Promise<void> {
  const args = parseArgs();
  const photos = numberArg(args, 'photos', 16);
  const minFace = numberArg(args, 'min-face', 40);
  const root = datasetsRoot();
  const lfwDir = join(root, 'lfw-dev');
  const lfw = listImages(lfwDir);
  const backgrounds = imagesIn(join(root, 'misc', 'noface'));
  const random = seededRandom(42); // deterministic, so the benchmark photos are identical run to run
  const pool = new PipelinePool(numberArg(args, 'workers', 2), {
    intraOpThreads: 1,
    interOpThreads: 1,
    allowSpinning: false,
    detectionMinFaceSize: minFace,
  });

  const hits = new Map<number, { total: number; found: number }>(FACE_SIZES.map((s) => [s, { total: 0, found: 0 }]));
  let unmatched = 0;
  const W = 4000;
  const H = 3000;
  try {
    // Every random draw happens here, before any await: the photos run concurrently, so drawing inside them
    // would interleave the sequence differently from run to run.
    const plans = Array.from({ length: photos }, (_, p) =>
      // One face per grid cell of 560x560 px (7x5 cells), sizes cycling so each is used about equally.
      Array.from({ length: CELLS_X * CELLS_Y }, (_, cell) => {
        const face = FACE_SIZES[(p * CELLS_X * CELLS_Y + cell) % FACE_SIZES.length];
        const crop = Math.round(face / FACE_IN_CROP);
        const cx = (cell % CELLS_X) * CELL;
        const cy = Math.floor(cell / CELLS_X) * CELL;
        const left = cx + Math.floor(random() * (CELL - crop));
        const top = cy + Math.floor(random() * (CELL - crop));
        return { file: lfw[Math.floor(random() * lfw.length)], left, top, size: crop, face };
      }),
    );
    const jobs = plans.map(async (plan, p) => {
      const pastes: (Paste & { face: number })[] = await Promise.all(
        plan.map(async ({ file, ...paste }) => ({ ...paste, image: await lfwFaceCrop(join(lfwDir, file)) })),
      );
      const photo = await composePhoto(backgrounds[p % backgrounds.length], W, H, pastes);
      const r = (await pool.run({
        kind: 'analyze',
        buffer: photo,
        options: { attributes: [], thumbnails: false },
      })) as AnalyzeSummary;
      const used = new Set<number>();
      for (const paste of pastes) {
        const stats = hits.get(paste.face)!;
        stats.total++;
        const match = r.faces.findIndex((f, i) => {
          if (used.has(i)) return false;
          const cx = f.boundary.left + f.boundary.width / 2;
          const cy = f.boundary.top + f.boundary.height / 2;
          const size = Math.sqrt(f.boundary.width * f.boundary.height);
          return (
            cx >= paste.left &&
            cx <= paste.left + paste.size &&
            cy >= paste.top &&
            cy <= paste.top + paste.size &&
            size > paste.face * 0.5 &&
            size < paste.face * 2
          );
        });
        if (match >= 0) {
          used.add(match);
          stats.found++;
        }
      }
      unmatched += r.faces.length - used.size;
      process.stderr.write(
        `  photo ${p + 1}/${photos}: ${pastes.length} faces pasted, ${used.size} found, ${r.faces.length - used.size} unmatched, ${r.timings.total.toFixed(0)} ms\n`,
      );
    });
    await Promise.all(jobs);

    console.log(`Recall by face size (detectionMinFaceSize ${minFace}, ${photos} photos of ${W}x${H}):`);
    const recall: Record<string, number> = {};
    for (const [size, s] of hits) {
      recall[size] = s.total ? +(s.found / s.total).toFixed(3) : NaN;
      console.log(`  ${String(size).padStart(4)} px: ${s.found}/${s.total} = ${(100 * recall[size]).toFixed(1)}%`);
    }
    console.log(
      `  unmatched detections: ${unmatched} in ${photos} photos (${(unmatched / photos).toFixed(2)} per photo)`,
    );

    // False positives on real no-face photos: raw detector boxes above threshold vs accepted faces.
    let raw = 0;
    let accepted = 0;
    const firing: string[] = [];
    for (const path of backgrounds) {
      const r = (await pool.run({
        kind: 'analyze',
        buffer: readFileSync(path),
        options: { attributes: [], thumbnails: false },
      })) as AnalyzeSummary;
      raw += r.faces.length + r.rejected;
      accepted += r.faces.length;
      if (r.faces.length) firing.push(path.split('/').pop()!);
    }
    console.log(
      `misc/noface: ${backgrounds.length} photos, ${raw} candidate boxes (score >= 0.6), ${accepted} reported as faces${firing.length ? ` (${firing.join(', ')})` : ''}`,
    );
    console.log(
      JSON.stringify({
        minFace,
        photos,
        recall,
        unmatchedPerPhoto: +(unmatched / photos).toFixed(3),
        nofacePhotos: backgrounds.length,
        nofaceCandidates: raw,
        nofaceFalsePositives: accepted,
        nofaceFalsePositivesPerImage: +(accepted / backgrounds.length).toFixed(3),
      }),
    );
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
