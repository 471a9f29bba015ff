/**
 * The built-in embedder run in worker threads only. The calling thread never loads TensorFlow.js or
 * the model: questions go to a worker too, so a process holds one copy of the model per worker, not
 * one more for itself (~90 MB that used to sit beside the worker's copy while a document was indexed).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder.js';
import { USE_DIMS, USE_FUSION_WEIGHT, UseEmbedder, useEmbedderId, type UseEmbedderOptions } from './use-embedder.js';

/** What use-worker.ts answers: `ready` once its model is loaded, then one reply per request id. */
export interface UseWorkerReply {
  id?: number;
  ready?: boolean;
  vectors?: Float32Array[];
  error?: string;
}

export interface UseWorkerRequest {
  id: number;
  texts: string[];
}

/**
 * USE lite in `options.workers` worker threads when there are any and the compiled use-worker.js is
 * beside this module (not when running from the TypeScript sources); otherwise in this thread.
 */
export async function loadUseEmbedder(options: UseEmbedderOptions = {}): Promise<Embedder> {
  const workerFile = fileURLToPath(new URL('./use-worker.js', import.meta.url));
  const workers = options.workers ?? 0;
  if (workers > 0 && existsSync(workerFile)) return UseWorkerEmbedder.start(workerFile, workers, options);
  return UseEmbedder.load({ ...options, workers: 0 });
}

/** Worker threads each holding a model; a batch is split among them (interleaved by length). */
export class UseWorkerEmbedder implements Embedder {
  readonly id: string;
  readonly dims = USE_DIMS;
  readonly fusionWeight: number;
  private next = 0;
  /** Set once a thread has failed: later calls are refused at once instead of posted to a dead thread. */
  private broken: Error | null = null;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly workers: Worker[],
    options: UseEmbedderOptions,
  ) {
    this.id = useEmbedderId(options);
    this.fusionWeight = options.fusionWeight ?? USE_FUSION_WEIGHT;
    for (const w of workers) {
      w.on('message', (m: UseWorkerReply) => {
        if (m.id === undefined) return;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve(m.vectors ?? []);
      });
      w.on('error', (err) => this.fail(err));
      // A thread that ends (killed, out of memory) would otherwise leave its callers waiting forever.
      w.on('exit', (code) => this.fail(new Error(`the embedding worker exited with code ${code}`)));
    }
  }

  static async start(file: string, n: number, options: UseEmbedderOptions): Promise<UseWorkerEmbedder> {
    const workerData: UseEmbedderOptions = { ...options, workers: 0, yieldBetweenCalls: true };
    const workers = Array.from({ length: n }, () => new Worker(file, { workerData }));
    try {
      await Promise.all(workers.map(ready));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new UseWorkerEmbedder(workers, options);
  }

  /** How many worker threads embed. */
  get workerCount(): number {
    return this.workers.length;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (this.broken) throw this.broken;
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
          this.workers[w].postMessage({ id, texts: share.map((i) => texts[i]) } satisfies UseWorkerRequest);
        });
        share.forEach((i, j) => (out[i] = vectors[j]));
      }),
    );
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.embed([text]))[0];
  }

  async close(): Promise<void> {
    this.broken = new Error('the embedder is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function ready(w: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onExit = (code: number): void => reject(new Error(`the embedding worker exited with code ${code} before its model loaded`));
    const onReady = (m: UseWorkerReply): void => {
      if (!m.ready) return;
      w.off('message', onReady);
      w.off('error', reject);
      w.off('exit', onExit);
      resolve();
    };
    w.once('error', reject);
    w.once('exit', onExit);
    w.on('message', onReady);
  });
}
