/**
 * A loaded Idefics3 / SmolVLM model on ONNX Runtime: the vision graph (tiles -> image features),
 * the token-embedding graph and the text decoder taking inputs_embeds (build-vision.ts). A prompt's
 * ids are embedded, the rows at image-token positions are replaced by the image features in order
 * (Idefics3Model.inputs_merger), and the decoder reads the result in chunks; decoding embeds each
 * new token through the embedding graph.
 *
 * Cache states are not shared between prompts here: two prompts with the same ids but different
 * images have the same ids, so DecoderSession's id-prefix reuse would be wrong for them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { WukongError } from '../../errors.js';
import type { Precision } from '../build-decoder.js';
import { DecoderSession, type CacheState, type StepResult } from '../decoder-session.js';
import { allRetrieval, assertPatternFits, type DuoPattern } from '../duo-pattern.js';
import { BUILDER_VERSION, buildGraphFiles, graphKey } from '../graph-store.js';
import { Checkpoint } from '../safetensors.js';
import { buildEmbedGraph, buildTextDecoderGraph, buildVisionGraph } from './build-vision.js';
import { readIdefics3Config, readImageProcessorConfig, type Idefics3Config, type ImageProcessorConfig } from './config.js';
import { preprocessImage, type PixelBuffer, type ProcessedImage } from './preprocess.js';

type Ort = typeof import('onnxruntime-node');

/** Bump when a graph's layout or numbers change. */
export const VISION_BUILDER_VERSION = '1';

export interface VisionLoadOptions {
  /** Text decoder precision (default int4). */
  precision?: Precision;
  /** Vision tower precision (default fp16: weights stored as float16, computed in float32). */
  visionPrecision?: Precision;
  pattern?: DuoPattern;
  /** Where built graphs are kept (default `<model>/onnx`). */
  cacheDir?: string;
  threads?: number;
  onBuildProgress?: (stage: 'vision' | 'embed' | 'decoder', done: number, total: number) => void;
  shouldStop?: () => boolean;
}

export class VisionLanguageModel {
  private constructor(
    private readonly ort: Ort,
    readonly config: Idefics3Config,
    readonly processor: ImageProcessorConfig,
    private readonly vision: InferenceSession,
    private readonly embedder: InferenceSession,
    readonly decoder: DecoderSession,
    readonly buildMs: number,
  ) {}

  static async load(folder: string, o: VisionLoadOptions = {}): Promise<VisionLanguageModel> {
    const config = readIdefics3Config(folder);
    const processor = readImageProcessorConfig(folder);
    const precision = o.precision ?? 'int4';
    const visionPrecision = o.visionPrecision ?? 'fp16';
    const pattern = o.pattern ?? allRetrieval(config.text);
    assertPatternFits(pattern, config.text);
    const dir = o.cacheDir ?? join(folder, 'onnx');
    const started = performance.now();
    let ck: Checkpoint | undefined;
    const checkpoint = () => (ck ??= Checkpoint.open(folder));
    const v = `v${VISION_BUILDER_VERSION}`;
    const visionPath = ensure(dir, `idefics3-vision-${visionPrecision}-${v}`, (onnx, data) =>
      buildVisionGraph(checkpoint(), config, onnx, data, { precision: visionPrecision, onProgress: (d, t) => o.onBuildProgress?.('vision', d, t), shouldStop: o.shouldStop }),
    );
    const embedPrecision = precision === 'fp32' ? 'fp32' : 'fp16';
    const embedPath = ensure(dir, `idefics3-embed-${embedPrecision}-${v}`, (onnx, data) => buildEmbedGraph(checkpoint(), config, onnx, data, embedPrecision));
    const decoderPath = ensure(dir, `idefics3-text-${graphKey({ precision }, pattern)}-${v}-b${BUILDER_VERSION}`, (onnx, data) =>
      buildTextDecoderGraph(checkpoint(), config, onnx, data, { precision, pattern, onProgress: (d, t) => o.onBuildProgress?.('decoder', d, t), shouldStop: o.shouldStop }),
    );
    const buildMs = Math.round(performance.now() - started);
    const ort = (await import('onnxruntime-node')) as Ort;
    const threads = o.threads ?? availableParallelism();
    const open = async (path: string) => {
      try {
        return await ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1 });
      } catch (err) {
        throw new WukongError('MODEL_INVALID', 'The vision model graph could not be loaded; rebuild it.', String(err));
      }
    };
    const vision = await open(visionPath);
    const embedder = await open(embedPath);
    const decoder = await DecoderSession.load(decoderPath, config.text, pattern, { threads });
    return new VisionLanguageModel(ort, config, processor, vision, embedder, decoder, buildMs);
  }

  /**
   * The processor's tiles for one image. `longestEdge` overrides size.longest_edge (the processor
   * scales every image up or down to it, so SmolVLM's 2048 makes 13 frames of a small crop; a
   * multiple of max_image_size trades detail for speed, as SmolVLM's model card suggests).
   */
  preprocess(img: PixelBuffer, opts: { longestEdge?: number } = {}): ProcessedImage {
    const cfg = opts.longestEdge ? { ...this.processor, longestEdge: opts.longestEdge } : this.processor;
    return preprocessImage(img, cfg, this.config.vision.imageSize);
  }

  /** Image features for every tile, [count * image_seq_len, text_hidden] row-major. */
  async encode(img: ProcessedImage): Promise<Float32Array> {
    const s = img.side;
    const out = await this.vision.run({ pixel_values: new this.ort.Tensor('float32', img.pixels, [img.count, 3, s, s]) });
    return out.image_features.data as Float32Array;
  }

  /** Token embeddings, [ids.length, hidden]. */
  async embed(ids: readonly number[]): Promise<Float32Array> {
    const out = await this.embedder.run({ input_ids: new this.ort.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length]) });
    return out.inputs_embeds.data as Float32Array;
  }

  /**
   * Reads a prompt whose image-token positions take `features` (one entry per image, in prompt
   * order, as from encode()), `chunk` positions per step; returns the last step (logits from
   * `logitsFrom` of that step on, default its last row).
   */
  async prefill(state: CacheState, ids: readonly number[], features: Float32Array[], chunk = 512, shouldStop?: () => boolean, allLogits = false): Promise<{ last: StepResult; logits: Float32Array[] }> {
    const H = this.config.text.hiddenSize;
    if (ids.some((v) => !Number.isInteger(v) || v < 0 || v >= this.config.text.vocabSize)) {
      throw new WukongError('BAD_REQUEST', `Token ids must be whole numbers from 0 to ${this.config.text.vocabSize - 1}.`);
    }
    const slots = ids.reduce((n, id) => n + (id === this.config.imageTokenId ? 1 : 0), 0);
    const rows = features.reduce((n, f) => n + f.length / H, 0);
    if (slots !== rows) throw new WukongError('BAD_REQUEST', `The prompt has ${slots} image tokens for ${rows} image feature rows.`);
    const embeds = await this.embed(ids);
    let fi = 0;
    let fr = 0;
    ids.forEach((id, i) => {
      if (id !== this.config.imageTokenId) return;
      while (fr * H >= features[fi].length) {
        fi++;
        fr = 0;
      }
      embeds.set(features[fi].subarray(fr * H, (fr + 1) * H), i * H);
      fr++;
    });
    let last: StepResult | undefined;
    const logits: Float32Array[] = [];
    for (let i = 0; i < ids.length; i += chunk) {
      if (shouldStop?.()) throw new WukongError('CANCELLED');
      const part = ids.slice(i, i + chunk);
      last = await this.decoder.step(last?.state ?? state, part, allLogits ? 0 : part.length - 1, embeds.subarray(i * H, (i + part.length) * H));
      if (allLogits) for (let r = 0; r < last.rows; r++) logits.push(last.logits.slice(r * this.decoder.vocab, (r + 1) * this.decoder.vocab));
    }
    if (!last) throw new WukongError('BAD_REQUEST', 'Generation needs a prompt.');
    return { last, logits };
  }

  /** One decode step for an already chosen token. */
  async step(state: CacheState, id: number): Promise<StepResult> {
    return this.decoder.step(state, [id], 0, await this.embed([id]));
  }

  /** Greedy continuation (for checks and benchmarks). */
  async greedy(ids: readonly number[], features: Float32Array[], n: number, chunk = 512): Promise<number[]> {
    const { last } = await this.prefill(this.decoder.empty(), ids, features, chunk);
    let r = last;
    const out: number[] = [];
    for (;;) {
      const row = r.logits.subarray((r.rows - 1) * this.decoder.vocab);
      let best = 0;
      for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
      out.push(best);
      if (out.length >= n) return out;
      r = await this.step(r.state, best);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.vision.release(), this.embedder.release(), this.decoder.close()]);
  }
}

/** `<dir>/<key>.onnx` (+ .data), built unless present. */
function ensure(dir: string, key: string, build: (onnx: string, data: string) => void): string {
  const onnx = join(dir, `${key}.onnx`);
  if (!existsSync(onnx) || !existsSync(`${onnx}.data`)) buildGraphFiles(onnx, build);
  return onnx;
}
