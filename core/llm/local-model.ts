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
import { ChatTokenizer, type ChatMessage } from './chat.js';
import { readDecoderConfig, type DecoderConfig } from './config.js';
import { DecoderSession, type CacheState } from './decoder-session.js';
import type { DuoPattern } from './duo-pattern.js';
import { ensureGraph } from './graph-store.js';
import { Sampler, topLogits, type SamplingOptions } from './sampling.js';

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

export interface GenerateRequest extends SamplingOptions {
  /** Raw token ids, fed as they are (no template). */
  ids?: number[];
  /** A conversation, laid out by the model's chat template. */
  messages?: ChatMessage[];
  maxTokens?: number;
  /** Text that ends the answer (not included). */
  stop?: string[];
  /** Report the k best logits of each step (for checks against a reference). */
  topK5?: boolean;
  /** Prompt tokens read per step (default 512). */
  chunk?: number;
  /** Keep a reusable cache snapshot after the first N messages (e.g. the system prompt with the evidence). */
  snapshotMessages?: number;
}

export type StopReason = 'eos' | 'stop' | 'length' | 'cancelled';

export interface GenerateResult {
  ids: number[];
  text: string;
  steps?: { top: [number, number][] }[];
  promptTokens: number;
  /** Prompt tokens whose cache came from an earlier request. */
  reusedTokens: number;
  ttftMs: number;
  decodeTps: number;
  kvBytes: number;
  stopReason: StopReason;
}

export type GenerateEvent = { type: 'token'; id: number; text: string } | { type: 'done'; result: GenerateResult };

const MAX_SNAPSHOTS = 4;

export class LocalModel {
  private snapshots: CacheState[] = [];

  private constructor(
    readonly id: string,
    readonly config: DecoderConfig,
    readonly session: DecoderSession,
    readonly tokenizer: ChatTokenizer,
    private readonly defaults: SamplingOptions & { maxTokens?: number },
    readonly buildMs: number,
  ) {}

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
    const prompt = req.ids ?? (req.messages ? this.tokenizer.encodeChat(req.messages) : undefined);
    if (!prompt?.length) throw new WukongError('BAD_REQUEST', 'Generation needs a prompt (text or token ids).');
    if (prompt.some((v) => !Number.isInteger(v) || v < 0 || v >= this.config.vocabSize)) {
      throw new WukongError('BAD_REQUEST', `Token ids must be whole numbers from 0 to ${this.config.vocabSize - 1}.`);
    }
    const maxTokens = req.maxTokens ?? this.defaults.maxTokens ?? 256;
    const sampler = new Sampler({ ...this.defaults, ...stripUndefined(req) });
    const started = performance.now();

    // Continue from the longest earlier state this prompt starts with (at least one token must be new).
    const base = this.snapshots
      .filter((s) => s.length < prompt.length && s.ids.every((v, i) => prompt[i] === v))
      .reduce<CacheState | undefined>((best, s) => (!best || s.length > best.length ? s : best), undefined);
    let state = base ?? this.session.empty();
    const chunk = req.chunk ?? 512;
    const snapshotAt = req.messages && req.snapshotMessages ? this.prefixTokens(prompt, req.messages.slice(0, req.snapshotMessages)) : 0;
    if (snapshotAt > state.length && snapshotAt < prompt.length) {
      state = (await this.session.prefill(state, prompt.slice(state.length, snapshotAt), chunk, shouldStop)).state;
      this.remember(state);
    }
    const pre = await this.session.prefill(state, prompt.slice(state.length), chunk, shouldStop);
    state = pre.state;
    this.remember(state);
    let logits = pre.logits.subarray((pre.rows - 1) * this.config.vocabSize);
    const ttftMs = performance.now() - started;

    const out: number[] = [];
    const steps: { top: [number, number][] }[] = [];
    const seen = new Set(prompt);
    const stops = (req.stop ?? []).filter(Boolean);
    let text = '';
    let emitted = '';
    let stopReason: StopReason = 'length';
    const decodeStart = performance.now();
    while (out.length < maxTokens) {
      if (req.topK5) steps.push({ top: topLogits(logits, 5) });
      const next = sampler.next(logits, seen);
      if (this.tokenizer.stopIds.has(next)) {
        stopReason = 'eos';
        break;
      }
      out.push(next);
      seen.add(next);
      text = this.tokenizer.decode(out);
      const hit = firstStop(text, stops);
      if (hit >= 0) {
        text = text.slice(0, hit);
        stopReason = 'stop';
      }
      // Hold back a partial character (a byte-level token can end mid-UTF-8) and a possible stop string's start.
      const safe = stopReason === 'stop' ? text : text.endsWith('\uFFFD') ? emitted : holdBack(text, stops);
      if (safe.length > emitted.length && safe.startsWith(emitted)) {
        yield { type: 'token', id: next, text: safe.slice(emitted.length) };
        emitted = safe;
      }
      if (stopReason === 'stop') break;
      if (shouldStop()) {
        stopReason = 'cancelled';
        break;
      }
      if (out.length >= maxTokens) break;
      const r = await this.session.step(state, [next]);
      state = r.state;
      logits = r.logits;
    }
    if (stopReason !== 'stop' && text.length > emitted.length && text.startsWith(emitted)) {
      yield { type: 'token', id: out[out.length - 1], text: text.slice(emitted.length) };
    }
    this.remember(state);
    const decodeMs = performance.now() - decodeStart;
    yield {
      type: 'done',
      result: {
        ids: out,
        text,
        steps: req.topK5 ? steps : undefined,
        promptTokens: prompt.length,
        reusedTokens: base?.length ?? 0,
        ttftMs: Math.round(ttftMs * 10) / 10,
        decodeTps: out.length > 1 ? Math.round(((out.length - 1) / (decodeMs / 1000)) * 10) / 10 : 0,
        kvBytes: this.session.kvBytes(state),
        stopReason,
      },
    };
  }

  /** How many tokens of `prompt` the rendering of `messages` alone shares with it. */
  private prefixTokens(prompt: number[], messages: ChatMessage[]): number {
    const ids = this.tokenizer.encode(this.tokenizer.render(messages, false));
    let n = 0;
    while (n < ids.length && n < prompt.length && ids[n] === prompt[n]) n++;
    return n;
  }

  /** Forgets cached prompt states (a new document, or memory to give back). */
  reset(): void {
    this.snapshots = [];
  }

  async close(): Promise<void> {
    this.snapshots = [];
    await this.session.close();
  }

  private remember(state: CacheState): void {
    this.session.retain(state);
    this.snapshots = [state, ...this.snapshots.filter((s) => s !== state && s.length !== state.length)].slice(0, MAX_SNAPSHOTS);
  }
}

function firstStop(text: string, stops: string[]): number {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** The text minus any tail that could still grow into a stop string. */
function holdBack(text: string, stops: string[]): string {
  let cut = text.length;
  for (const s of stops) {
    for (let k = Math.min(s.length - 1, text.length); k > 0; k--) {
      if (text.endsWith(s.slice(0, k))) {
        cut = Math.min(cut, text.length - k);
        break;
      }
    }
  }
  return text.slice(0, cut);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function readGenerationConfig(folder: string): SamplingOptions & { maxTokens?: number } {
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
