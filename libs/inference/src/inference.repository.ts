import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { INFERENCE_OPTIONS, type FaceAttributeName, type ResolvedInferenceOptions } from './inference.options';
import { rewriteModelForCpu } from './model-rewrite';
import { AGE_GENDER_INPUT_SIZE, buildAgeGenderOnnx, type TfjsWeightSpec } from './age-gender-onnx';

/** The faceplugin models this pipeline uses, with their fixed input shapes (all batch 1). */
export const MODEL_INPUTS = {
  detect: [1, 3, 240, 320],
  landmark: [1, 1, 64, 64],
  feature: [1, 3, 112, 112],
  age: [1, 3, 64, 64],
  gender: [1, 3, 64, 64],
  pose: [1, 3, 224, 224],
  expression: [1, 3, 224, 224],
  eye: [1, 1, 24, 24],
  ageGender: [1, 3, AGE_GENDER_INPUT_SIZE, AGE_GENDER_INPUT_SIZE],
} as const;

export type ModelName = keyof typeof MODEL_INPUTS;
export type ModelOutputs = Record<string, Float32Array>;

export function defaultModelDir(): string {
  return join(dirname(require.resolve('faceplugin-face-recognition-js/package.json')), 'model');
}

/** The tfjs weights of face-api.js's networks, shipped by @vladmandic/face-api (MIT). */
export function faceApiModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** face-api.js's AgeGenderNet as ONNX bytes, built from its tfjs weights (age-gender-onnx.ts). */
export async function loadAgeGenderOnnx(dir = faceApiModelDir()): Promise<Uint8Array> {
  const manifest = JSON.parse(await readFile(join(dir, 'age_gender_model-weights_manifest.json'), 'utf8')) as {
    paths: string[];
    weights: TfjsWeightSpec[];
  }[];
  const specs = manifest.flatMap((group) => group.weights);
  const data = Buffer.concat(
    await Promise.all(manifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p)))),
  );
  return buildAgeGenderOnnx(specs, data);
}

/**
 * The only importer of onnxruntime-node. Sessions are created once per process (lazily on first use, or at
 * module init) and reused; each `run` is one batch-1 inference on the CPU provider. Model bytes pass through
 * `rewriteModelForCpu` (exact rewrites that keep onnxruntime in its fast NCHWc layout) before loading.
 */
@Injectable()
export class InferenceRepository implements OnModuleInit, OnModuleDestroy {
  private readonly sessions = new Map<ModelName, Promise<ort.InferenceSession>>();

  constructor(@Inject(INFERENCE_OPTIONS) private readonly options: ResolvedInferenceOptions) {}

  async onModuleInit(): Promise<void> {
    await this.loadConfigured();
  }

  /** Loads the core models and those of the configured attributes up front; others load on first use. */
  async loadConfigured(): Promise<void> {
    const faceApi = this.options.ageGenderModel === 'face-api';
    const byAttribute: Record<FaceAttributeName, ModelName> = {
      age: faceApi ? 'ageGender' : 'age',
      gender: faceApi ? 'ageGender' : 'gender',
      pose: 'pose',
      emotion: 'expression',
      eyes: 'eye',
    };
    const models = new Set<ModelName>([
      'detect',
      'landmark',
      'feature',
      ...this.options.attributes.map((a) => byAttribute[a]),
    ]);
    await this.load([...models]);
  }

  async onModuleDestroy(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s).release()));
  }

  async load(models: readonly ModelName[]): Promise<void> {
    await Promise.all(models.map((m) => this.session(m)));
  }

  async run(model: ModelName, input: Float32Array): Promise<ModelOutputs> {
    const shape = MODEL_INPUTS[model];
    const session = await this.session(model);
    const result = await session.run({ input: new ort.Tensor('float32', input, shape) });
    const outputs: ModelOutputs = {};
    for (const [name, tensor] of Object.entries(result)) {
      outputs[name] = tensor.data as Float32Array;
    }
    return outputs;
  }

  private session(model: ModelName): Promise<ort.InferenceSession> {
    let session = this.sessions.get(model);
    if (!session) {
      const spin = this.options.allowSpinning ? '1' : '0';
      const path = join(this.options.modelDir ?? defaultModelDir(), `fr_${model}.onnx`);
      session = this.createSession(model === 'ageGender' ? loadAgeGenderOnnx() : path, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: this.options.intraOpThreads,
        interOpNumThreads: this.options.interOpThreads,
        executionMode: 'sequential',
        // 3 = errors only: fr_age / fr_gender carry initialisers that onnxruntime warns about on every load.
        logSeverityLevel: 3,
        // Flattened by the Node binding into "session.intra_op.allow_spinning" / "session.inter_op.allow_spinning".
        extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
      });
      this.sessions.set(model, session);
      session.catch(() => this.sessions.delete(model));
    }
    return session;
  }

  private async createSession(
    source: string | Promise<Uint8Array>,
    options: ort.InferenceSession.SessionOptions,
  ): Promise<ort.InferenceSession> {
    const model = typeof source === 'string' ? await readFile(source) : await source;
    const bytes = this.options.rewriteModels ? rewriteModelForCpu(model).bytes : model;
    return ort.InferenceSession.create(bytes, options);
  }
}
