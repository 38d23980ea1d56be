import type { FacePipeline } from '@app/inference';

/** One embedded photo of a dataset: the face nearest the image centre (LFW convention). */
export interface DatasetFace {
  /** 512-d L2-normalised embedding. */
  embedding: Float32Array;
  /** False when no face passed detection + filtering and the fallback box (image centre) was embedded. */
  detected: boolean;
  /** Faces accepted in the whole image. */
  faceCount: number;
  boundary: { left: number; top: number; width: number; height: number };
  figureConfidence: number;
  faceQuality: number;
  sharpness: number;
  isHD: boolean;
  headPose?: { pitch: number; roll: number; yaw: number };
  /** Raw embedding norm before L2 normalisation. */
  embeddingNorm: number;
}

/**
 * Analyses one photo and keeps the face whose box centre is closest to the image centre. When nothing is
 * accepted, embeds the rejected candidate nearest the centre, else the central box typical of 250x250 LFW
 * deep-funneled crops (so every pair still gets a score; `detected` says which case it was).
 */
export async function embedCentralFace(pipeline: FacePipeline, buffer: Buffer): Promise<DatasetFace> {
  const r = await pipeline.analyzeWithDiagnostics(buffer, { attributes: ['pose', 'eyes'], thumbnails: false });
  const cx = r.width / 2;
  const cy = r.height / 2;
  const dist = (b: { left: number; top: number; width: number; height: number }): number =>
    Math.hypot(b.left + b.width / 2 - cx, b.top + b.height / 2 - cy);
  let best = -1;
  r.faces.forEach((f, i) => {
    if (best < 0 || dist(f.boundary) < dist(r.faces[best].boundary)) best = i;
  });
  if (best >= 0) {
    const f = r.faces[best];
    return {
      embedding: f.embedding,
      detected: true,
      faceCount: r.faces.length,
      boundary: f.boundary,
      figureConfidence: f.figureConfidence,
      faceQuality: f.faceQuality,
      sharpness: f.sharpness,
      isHD: f.isHD,
      headPose: f.headPose,
      embeddingNorm: r.evidence[best].embeddingNorm,
    };
  }
  const rejected = [...r.rejected].sort((a, b) => dist(a.boundary) - dist(b.boundary))[0];
  const side = Math.min(r.width, r.height) * 0.44;
  const boundary = rejected?.boundary ?? {
    left: Math.round(cx - side / 2),
    top: Math.round(cy - side / 2),
    width: Math.round(side),
    height: Math.round(side),
  };
  const e = await pipeline.embedRegion(buffer, boundary);
  return {
    embedding: e.embedding,
    detected: false,
    faceCount: 0,
    boundary,
    figureConfidence: rejected?.evidence.detectorScore ?? 0,
    faceQuality: 0,
    sharpness: 0,
    isHD: false,
    embeddingNorm: e.evidence.embeddingNorm,
  };
}
