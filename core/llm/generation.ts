/**
 * The generation loop shared by every local model (a text decoder, a vision-language model): the
 * backend reads the prompt into a cache state, then one decode step per token, sampled, with stop
 * strings and streamed text that never splits a character or shows a stop string's start.
 * Also the cache of earlier prompt states (snapshots), so a follow-up question that starts with
 * the same tokens only reads what is new.
 */
import { WukongError } from '../errors.js';
import type { ChatTokenizer } from './chat.js';
import type { CacheState, DecoderSession, StepResult } from './decoder-session.js';
import type { ChatMessage } from './chat.js';
import { Sampler, topLogits, type SamplingOptions } from './sampling.js';
import type { PixelBuffer } from './vision/preprocess.js';

export interface GenerateRequest extends SamplingOptions {
  /** Raw token ids, fed as they are (no template). */
  ids?: number[];
  /** A conversation, laid out by the model's chat template. */
  messages?: ChatMessage[];
  /** Vision models: the images of the messages' `{type: 'image'}` parts, in order. */
  images?: PixelBuffer[];
  /** Vision models: the processor's longest edge for these images (default: one tile of max_image_size, at most 512). */
  longestEdge?: number;
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
  /** Images the prompt held (vision models). */
  images?: number;
  ttftMs: number;
  decodeTps: number;
  kvBytes: number;
  stopReason: StopReason;
}

export type GenerateEvent = { type: 'token'; id: number; text: string } | { type: 'done'; result: GenerateResult };

/** What the loop needs from a model. */
export interface GenerationBackend {
  readonly tokenizer: ChatTokenizer;
  readonly vocab: number;
  /** From the model's generation_config.json. */
  readonly defaults: SamplingOptions & { maxTokens?: number };
  /** Reads the whole prompt; `reused` = its leading tokens whose cache came from an earlier request. */
  prefill(prompt: readonly number[], shouldStop: () => boolean): Promise<{ last: StepResult; reused: number }>;
  /** One decode step for an already chosen token. */
  step(state: CacheState, id: number): Promise<StepResult>;
  kvBytes(state: CacheState): number;
  /** The state at the end of the answer (kept for a follow-up when it can be reused). */
  finish(state: CacheState): void;
}

export async function* runGeneration(
  b: GenerationBackend,
  prompt: number[],
  req: GenerateRequest,
  shouldStop: () => boolean,
  extra: { images?: number } = {},
): AsyncGenerator<GenerateEvent> {
  if (!prompt.length) throw new WukongError('BAD_REQUEST', 'Generation needs a prompt (text or token ids).');
  if (prompt.some((v) => !Number.isInteger(v) || v < 0 || v >= b.vocab)) {
    throw new WukongError('BAD_REQUEST', `Token ids must be whole numbers from 0 to ${b.vocab - 1}.`);
  }
  const maxTokens = req.maxTokens ?? b.defaults.maxTokens ?? 256;
  const sampler = new Sampler({ ...b.defaults, ...stripUndefined(req) });
  const started = performance.now();
  const pre = await b.prefill(prompt, shouldStop);
  let state = pre.last.state;
  let logits = pre.last.logits.subarray((pre.last.rows - 1) * b.vocab);
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
    if (b.tokenizer.stopIds.has(next)) {
      stopReason = 'eos';
      break;
    }
    out.push(next);
    seen.add(next);
    text = b.tokenizer.decode(out);
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
    const r = await b.step(state, next);
    state = r.state;
    logits = r.logits;
  }
  if (stopReason !== 'stop' && text.length > emitted.length && text.startsWith(emitted)) {
    yield { type: 'token', id: out[out.length - 1], text: text.slice(emitted.length) };
  }
  b.finish(state);
  const decodeMs = performance.now() - decodeStart;
  yield {
    type: 'done',
    result: {
      ids: out,
      text,
      steps: req.topK5 ? steps : undefined,
      promptTokens: prompt.length,
      reusedTokens: pre.reused,
      ...(extra.images !== undefined ? { images: extra.images } : {}),
      ttftMs: Math.round(ttftMs * 10) / 10,
      decodeTps: out.length > 1 ? Math.round(((out.length - 1) / (decodeMs / 1000)) * 10) / 10 : 0,
      kvBytes: b.kvBytes(state),
      stopReason,
    },
  };
}

const MAX_SNAPSHOTS = 4;

/**
 * Cache states of earlier prompts. `reusable` says which states may be continued by a prompt that
 * starts with the same ids (a vision model's states holding images may not: same ids, other pixels).
 */
export class PromptCache {
  private snapshots: CacheState[] = [];

  constructor(
    private readonly session: DecoderSession,
    private readonly reusable: (state: CacheState) => boolean = () => true,
  ) {}

  /** The longest earlier state this prompt starts with (at least one token must be new). */
  base(prompt: readonly number[]): CacheState | undefined {
    return this.snapshots
      .filter((s) => s.length < prompt.length && s.ids.every((v, i) => prompt[i] === v))
      .reduce<CacheState | undefined>((best, s) => (!best || s.length > best.length ? s : best), undefined);
  }

  remember(state: CacheState): void {
    if (!this.reusable(state)) return;
    this.session.retain(state);
    this.snapshots = [state, ...this.snapshots.filter((s) => s !== state && s.length !== state.length)].slice(0, MAX_SNAPSHOTS);
  }

  reset(): void {
    this.snapshots = [];
  }

  /**
   * Reads `prompt` from the best earlier state, keeping a snapshot at `snapshotAt` (the end of
   * the system prompt, say) and at the end; `read` reads ids after a state.
   */
  async prefill(prompt: readonly number[], snapshotAt: number, read: (state: CacheState, ids: readonly number[]) => Promise<StepResult>): Promise<{ last: StepResult; reused: number }> {
    const base = this.base(prompt);
    let state = base ?? this.session.empty();
    if (snapshotAt > state.length && snapshotAt < prompt.length) {
      state = (await read(state, prompt.slice(state.length, snapshotAt))).state;
      this.remember(state);
    }
    const last = await read(state, prompt.slice(state.length));
    this.remember(last.state);
    return { last, reused: base?.length ?? 0 };
  }
}

/** How many tokens of `prompt` the rendering of `messages` alone (no generation prompt) shares with it. */
export function sharedPrefix(tokenizer: ChatTokenizer, prompt: readonly number[], messages: ChatMessage[]): number {
  const ids = tokenizer.encode(tokenizer.render(messages, false));
  let n = 0;
  while (n < ids.length && n < prompt.length && ids[n] === prompt[n]) n++;
  return n;
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
