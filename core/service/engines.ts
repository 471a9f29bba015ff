import { join } from 'node:path';
import type { ModelInfo } from '../api.js';
import type { ModelRegistry } from '../models/registry.js';
import { approxTokenCounter, HfTokenCounter, type Embedder, type TokenCounter } from '../retrieval/index.js';
import { OnnxEmbedder } from '../retrieval/onnx-embedder.js';
import { loadUseEmbedder } from '../retrieval/use-worker-embedder.js';

/**
 * Loads the models retrieval needs, once: the selected embedder and the generator's tokenizer
 * (so the evidence budget is counted in the tokens the model will actually read).
 */
export class Engines {
  private embedderCache?: { id: string | null; embedder: Promise<Embedder | null> };
  private counterCache?: { id: string | null; counter: Promise<TokenCounter> };

  constructor(private readonly models: ModelRegistry) {}

  async embedder(): Promise<Embedder | null> {
    const model = await this.models.selected('embedder');
    const id = model?.id ?? null;
    if (this.embedderCache?.id !== id) {
      this.embedderCache = { id, embedder: loadEmbedder(model) };
    }
    return this.embedderCache.embedder;
  }

  /** Ends the embedder's worker threads, so a CLI process can exit. */
  async close(): Promise<void> {
    const embedder = await this.embedderCache?.embedder;
    this.embedderCache = undefined;
    await embedder?.close?.();
  }

  async tokenCounter(): Promise<TokenCounter> {
    const model = await this.models.selected('generator');
    const id = model?.id ?? null;
    if (this.counterCache?.id !== id) {
      const counter = model?.path
        ? HfTokenCounter.fromFile(join(model.path, 'tokenizer.json'), model.id).catch((err) => {
            console.error(`wukong: the tokenizer of ${model.id} could not be loaded (${describe(err)}); counting tokens approximately.`);
            return approxTokenCounter;
          })
        : Promise.resolve(approxTokenCounter);
      this.counterCache = { id, counter };
    }
    return this.counterCache.counter;
  }
}

/** A broken embedder must not make documents unreadable: retrieval falls back to lexical scoring. */
async function loadEmbedder(model: ModelInfo | null): Promise<Embedder | null> {
  if (!model) return null;
  try {
    // One worker thread: embedding a paper takes seconds, and the service must keep answering meanwhile.
    // Questions are embedded there too, so the model is in memory once, not once more in this thread.
    if (model.builtin) return await loadUseEmbedder({ workers: 1 });
    if (model.path) return await OnnxEmbedder.load(model.path, { id: model.id });
  } catch (err) {
    console.error(`wukong: the embedder ${model.id} could not be loaded (${describe(err)}); using lexical retrieval only. Check it with \`wukong models verify ${model.id}\`.`);
  }
  return null;
}

function describe(err: unknown): string {
  const e = err as { detail?: unknown; message?: unknown };
  return String(e?.detail ?? e?.message ?? err).split('\n')[0];
}
