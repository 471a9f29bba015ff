/**
 * Worker thread that holds one loaded language model, so generation (seconds of CPU) never blocks
 * the service. Cancel is a shared flag the generation loop reads before every step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWukongError } from '../errors.js';
import { ensureGraph } from './graph-store.js';
import { LocalModel, type GenerateRequest, type LoadOptions } from './local-model.js';
import { VisionGenerator } from './vision/vision-generator.js';

export interface WorkerInit {
  folder: string;
  id: string;
  /** A text decoder (LocalModel, the default) or a vision-language model (VisionGenerator). */
  kind?: 'text' | 'vision';
  load: Omit<LoadOptions, 'onBuildProgress' | 'shouldStop'>;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 asks the running job to stop. */
  cancel: SharedArrayBuffer;
  /** Build (or find) the graph and stop: what installing a model does. */
  buildOnly?: boolean;
}

export type ToWorker = { type: 'generate'; request: GenerateRequest } | { type: 'reset' };

export type FromWorker =
  | { type: 'build'; done: number; total: number }
  | { type: 'ready'; buildMs: number; layers: number; streamingShare: number }
  | { type: 'event'; event: import('./local-model.js').GenerateEvent }
  | { type: 'end' }
  | { type: 'error'; error: import('../errors.js').ErrorInfo };

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const cancel = new Int32Array(init.cancel);
  const stopped = () => Atomics.load(cancel, 0) === 1;
  const post = (m: FromWorker) => port.postMessage(m);
  let model: LocalModel | VisionGenerator | undefined;
  try {
    if (init.kind === 'vision') {
      const vision = await VisionGenerator.load(init.folder, init.id, {
        precision: init.load.precision,
        pattern: init.load.pattern,
        cacheDir: init.load.cacheDir,
        threads: init.load.threads,
        // One count over the three graphs (vision tower, embeddings, decoder), 100 per graph.
        onBuildProgress: (stage, done, total) => post({ type: 'build', done: ['vision', 'embed', 'decoder'].indexOf(stage) * 100 + Math.round((100 * done) / Math.max(1, total)), total: 300 }),
        shouldStop: stopped,
      });
      model = vision;
      if (init.buildOnly) await vision.close();
      const flat = vision.pattern.layers.flat();
      post({ type: 'ready', buildMs: vision.buildMs, layers: vision.model.config.text.layers, streamingShare: flat.filter((v) => v === 0).length / flat.length });
    } else if (init.buildOnly) {
      const built = ensureGraph(init.folder, init.load.cacheDir!, { ...init.load, precision: init.load.precision ?? 'int4' }, { onProgress: (done, total) => post({ type: 'build', done, total }), shouldStop: stopped });
      post({ type: 'ready', buildMs: built.buildMs, layers: 0, streamingShare: 0 });
    } else {
      const local = await LocalModel.load(init.folder, init.id, {
        ...init.load,
        onBuildProgress: (done, total) => post({ type: 'build', done, total }),
        shouldStop: stopped,
      });
      model = local;
      const flat = local.pattern.layers.flat();
      post({ type: 'ready', buildMs: local.buildMs, layers: local.config.layers, streamingShare: flat.filter((v) => v === 0).length / flat.length });
    }
  } catch (err) {
    post({ type: 'error', error: toWukongError(err).toJSON() });
  }
  // One request at a time: the client queues them.
  port.on('message', (m: ToWorker) => {
    if (!model) return;
    if (m.type === 'reset') {
      model.reset();
      return;
    }
    void (async () => {
      try {
        for await (const event of model.generate(m.request, stopped)) post({ type: 'event', event });
        post({ type: 'end' });
      } catch (err) {
        post({ type: 'error', error: toWukongError(err).toJSON() });
      }
    })();
  });
}
