/** The caller's side of core/llm/worker.ts: one loaded model in a worker thread, requests queued. */
import { Worker } from 'node:worker_threads';
import { WukongError } from '../errors.js';
import { compiledWorker } from '../util/worker-script.js';
import type { GenerateEvent, GenerateRequest, LoadOptions } from './local-model.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker.js';

export class GeneratorHost {
  private queue: Promise<unknown> = Promise.resolve();
  private listener?: (m: FromWorker) => void;
  private dead?: WukongError;

  private constructor(
    private readonly worker: Worker,
    private readonly cancel: Int32Array,
    readonly id: string,
    readonly kind: 'text' | 'vision',
    readonly info: { buildMs: number; layers: number; streamingShare: number },
  ) {
    worker.on('message', (m: FromWorker) => this.listener?.(m));
    const die = (why: string) => {
      this.dead = new WukongError('INTERNAL', 'The language model stopped unexpectedly.', why);
      this.listener?.({ type: 'error', error: this.dead.toJSON() });
    };
    worker.on('error', (err) => die(err.message));
    worker.on('exit', (code) => die(`worker exited with code ${code}`));
  }

  /** Loads (building the graph first when needed) a model folder in a new worker. */
  static async start(folder: string, id: string, load: WorkerInit['load'], o: { onBuild?: (done: number, total: number) => void; signal?: AbortSignal; buildOnly?: boolean; kind?: WorkerInit['kind'] } = {}): Promise<GeneratorHost> {
    const shared = new SharedArrayBuffer(4);
    const cancel = new Int32Array(shared);
    const init: WorkerInit = { folder, id, kind: o.kind, load, cancel: shared, buildOnly: o.buildOnly };
    const worker = new Worker(compiledWorker(import.meta.url, 'worker.js', 'Generator'), { workerData: init });
    const onAbort = () => Atomics.store(cancel, 0, 1);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const info = await new Promise<GeneratorHost['info']>((resolve, reject) => {
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'build') o.onBuild?.(m.done, m.total);
          else if (m.type === 'ready') resolve(m);
          else if (m.type === 'error') reject(new WukongError(m.error.code, m.error.message, m.error.detail));
        });
        worker.once('error', (err) => reject(new WukongError('INTERNAL', 'The language model could not be started.', err.message)));
        worker.once('exit', (code) =>
          reject(o.signal?.aborted ? new WukongError('CANCELLED') : new WukongError('INTERNAL', 'The language model could not be started.', `worker exited with code ${code}`)),
        );
      });
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      return new GeneratorHost(worker, cancel, id, o.kind ?? 'text', info);
    } catch (err) {
      await worker.terminate();
      throw err;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Streams one generation; aborting the signal stops it within one decode step. */
  async *generate(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent> {
    const turn = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => (release = r));
    await turn;
    try {
      yield* this.run(request, signal);
    } finally {
      release();
    }
  }

  private async *run(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent> {
    if (this.dead) throw this.dead;
    const inbox: FromWorker[] = [];
    let wake: (() => void) | undefined;
    this.listener = (m) => {
      inbox.push(m);
      wake?.();
    };
    const onAbort = () => Atomics.store(this.cancel, 0, 1);
    Atomics.store(this.cancel, 0, 0);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const next = async (): Promise<FromWorker> => {
      while (!inbox.length) await new Promise<void>((r) => (wake = r));
      return inbox.shift()!;
    };
    let finished = false;
    try {
      this.worker.postMessage({ type: 'generate', request } satisfies ToWorker);
      for (;;) {
        const m = await next();
        if (m.type === 'event') yield m.event;
        else if (m.type === 'end' || m.type === 'error') {
          finished = true;
          if (m.type === 'error') throw new WukongError(m.error.code, m.error.message, m.error.detail);
          return;
        }
      }
    } finally {
      // A caller that stopped reading early: stop the worker and let its last messages drain, so
      // they never reach the next request.
      if (!finished && !this.dead) {
        onAbort();
        for (let m = await next(); m.type !== 'end' && m.type !== 'error'; m = await next());
      }
      signal?.removeEventListener('abort', onAbort);
      this.listener = undefined;
    }
  }

  /** False once the worker has died (out of memory, a crash): the caller starts a new one. */
  get alive(): boolean {
    return !this.dead;
  }

  /** Forgets cached prompt states. */
  reset(): void {
    this.worker.postMessage({ type: 'reset' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.removeAllListeners('error');
    await this.worker.terminate();
  }
}

/**
 * Builds a model folder's decoder graph off the caller's thread (installing a model): minutes for
 * a 1.5B model, with progress, cancellable.
 */
export async function buildGraphInWorker(
  folder: string,
  load: WorkerInit['load'] & { cacheDir: string },
  o: { onBuild?: (done: number, total: number) => void; signal?: AbortSignal; kind?: WorkerInit['kind'] } = {},
): Promise<number> {
  const host = await GeneratorHost.start(folder, folder, load, { ...o, buildOnly: true });
  await host.close();
  return host.info.buildMs;
}

export type { LoadOptions };
