import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../core/retrieval/embedder.js';
import { UseEmbedder } from '../../core/retrieval/use-embedder.js';
import type * as WorkerEmbedderModule from '../../core/retrieval/use-worker-embedder.js';
import { ensureWorkerBuilt, root } from '../helpers/build.js';

const require = createRequire(import.meta.url);
const tfLoadedHere = (): boolean => Object.keys(require.cache).some((k) => k.includes('@energetic-ai'));

/** Texts of many lengths, so the worker needs several model calls and pads batches as the app's do. */
function texts(n: number): string[] {
  const words = ['mixed', 'models', 'estimate', 'variance', 'components', 'of', 'random', 'effects', 'by', 'restricted', 'maximum', 'likelihood', 'bread', 'dough', 'oven', 'figure', 'table', 'shows'];
  return Array.from({ length: n }, (_, i) => Array.from({ length: 1 + ((i * 7) % 60) }, (_, j) => words[(i * 5 + j * 3) % words.length]).join(' '));
}

describe('USE lite in a worker thread (compiled worker under dist/)', () => {
  let inWorker: Embedder & { workerCount: number };
  beforeAll(async () => {
    ensureWorkerBuilt('retrieval', 'use-worker.js');
    const mod = (await import(pathToFileURL(join(root, 'dist', 'core', 'retrieval', 'use-worker-embedder.js')).href)) as typeof WorkerEmbedderModule;
    inWorker = (await mod.loadUseEmbedder({ workers: 1 })) as UseWorkerEmbedder;
  }, 60_000);
  afterAll(() => inWorker?.close?.());

  it('keeps the model out of the calling thread', () => {
    expect(inWorker.workerCount).toBe(1);
    expect(tfLoadedHere()).toBe(false);
  });

  it('gives exactly the vectors of the in-thread model, questions included while a document is embedded', async () => {
    const here = await UseEmbedder.load();
    expect(inWorker.id).toBe(here.id);
    expect(inWorker.dims).toBe(here.dims);
    const all = texts(300);
    const question = 'How are variance components estimated?';
    // The question is sent while the worker is busy with the slice: it must get its own vector back.
    const [slice, asked] = await Promise.all([inWorker.embed(all), inWorker.embedQuery!(question)]);
    const expected = await here.embed(all);
    expect(slice).toHaveLength(all.length);
    slice.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(expected[i])));
    expect(Array.from(asked)).toEqual(Array.from(await here.embedQuery(question)));
  }, 120_000);

  it('refuses calls once closed instead of waiting forever', async () => {
    const mod = (await import(pathToFileURL(join(root, 'dist', 'core', 'retrieval', 'use-worker-embedder.js')).href)) as typeof WorkerEmbedderModule;
    const e = await mod.loadUseEmbedder({ workers: 1 });
    await e.close!();
    await expect(e.embed(['a text'])).rejects.toThrow(/closed/);
  }, 60_000);
});

type UseWorkerEmbedder = WorkerEmbedderModule.UseWorkerEmbedder;
