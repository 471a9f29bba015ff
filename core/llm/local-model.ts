/**
 * A loaded local language model: its decoder graph on ONNX Runtime, its tokenizer and chat
 * template, and the generation loop (prefill, then one decode step per token, streaming text).
 * Cache states of earlier prompts are kept as snapshots, so a follow-up question that starts with
 * the same tokens (system prompt, evidence, earlier turns) only reads what is new.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WukongError } from '../errors.js';
import type { Precision } from './build-decoder.js';
import { ChatTokenizer } from './chat.js';
import { readDecoderConfig, type DecoderConfig } from './config.js';
import { DecoderSession } from './decoder-session.js';
import { PromptCache, runGeneration, sharedPrefix, type GenerateEvent, type GenerateRequest, type GenerationBackend } from './generation.js';
import type { DuoPattern } from './duo-pattern.js';
import { ensureGraph } from './graph-store.js';
import type { SamplingOptions } from './sampling.js';

export interface LoadOptions {
  precision?: Precision;
  pattern?: DuoPattern;
  accuracyLevel?: 0 | 4;
  /** Where built graphs are kept (default: `<model>/onnx`). */
  cacheDir?: string;
  threads?: number;
  onBuildProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

export type { GenerateEvent, GenerateRequest, GenerateResult, StopReason } from './generation.js';

export class LocalModel {
  private readonly cache: PromptCache;

  private constructor(
    readonly id: string,
    readonly config: DecoderConfig,
    readonly session: DecoderSession,
    readonly tokenizer: ChatTokenizer,
    private readonly defaults: SamplingOptions & { maxTokens?: number },
    readonly buildMs: number,
  ) {
    this.cache = new PromptCache(session);
  }

  static async load(folder: string, id: string, o: LoadOptions = {}): Promise<LocalModel> {
    const config = readDecoderConfig(folder);
    const tokenizer = ChatTokenizer.load(folder, config.eosTokenIds);
    const built = ensureGraph(folder, o.cacheDir ?? join(folder, 'onnx'), { precision: o.precision ?? 'int4', pattern: o.pattern, accuracyLevel: o.accuracyLevel }, { onProgress: o.onBuildProgress, shouldStop: o.shouldStop });
    const session = await DecoderSession.load(built.onnxPath, config, built.pattern, { threads: o.threads });
    return new LocalModel(id, config, session, tokenizer, readGenerationConfig(folder), built.buildMs);
  }

  get pattern(): DuoPattern {
    return this.session.pattern;
  }

  async *generate(req: GenerateRequest, shouldStop: () => boolean = () => false): AsyncGenerator<GenerateEvent> {
    if (req.images?.length) throw new WukongError('BAD_REQUEST', 'This language model reads text only; images need a vision model.');
    const prompt = req.ids ?? (req.messages ? this.tokenizer.encodeChat(req.messages) : undefined);
    if (!prompt?.length) throw new WukongError('BAD_REQUEST', 'Generation needs a prompt (text or token ids).');
    const chunk = req.chunk ?? 512;
    const snapshotAt = req.messages && req.snapshotMessages ? sharedPrefix(this.tokenizer, prompt, req.messages.slice(0, req.snapshotMessages)) : 0;
    const backend: GenerationBackend = {
      tokenizer: this.tokenizer,
      vocab: this.config.vocabSize,
      defaults: this.defaults,
      prefill: (p, stop) => this.cache.prefill(p, snapshotAt, (state, ids) => this.session.prefill(state, ids, chunk, stop)),
      step: (state, id) => this.session.step(state, [id]),
      kvBytes: (state) => this.session.kvBytes(state),
      finish: (state) => this.cache.remember(state),
    };
    yield* runGeneration(backend, prompt, req, shouldStop);
  }

  /** Forgets cached prompt states (a new document, or memory to give back). */
  reset(): void {
    this.cache.reset();
  }

  async close(): Promise<void> {
    this.cache.reset();
    await this.session.close();
  }
}

export function readGenerationConfig(folder: string): SamplingOptions & { maxTokens?: number } {
  try {
    const g = JSON.parse(readFileSync(join(folder, 'generation_config.json'), 'utf8')) as Record<string, unknown>;
    const num = (k: string) => (typeof g[k] === 'number' ? (g[k] as number) : undefined);
    return {
      temperature: g.do_sample === true ? num('temperature') : 0,
      topK: num('top_k'),
      topP: num('top_p'),
      repetitionPenalty: num('repetition_penalty'),
    };
  } catch {
    return {};
  }
}
