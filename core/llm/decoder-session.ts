/**
 * Runs a built decoder graph and owns its KV cache. Retrieval ("full") heads keep every
 * position; streaming heads keep the first `sink` positions and the last `recent - 1` before the
 * next token, compacted after each step. Every attention rule lives in the masks built here, so
 * one-shot prefill, chunked prefill and decode give the same logits.
 *
 * The cache lives in buffers owned here, passed to the graph as they are (no copy) and appended
 * in place with each step's new keys and values. A state can be continued more than once: the
 * full buffers are append-only and copied only when a state older than their end is continued
 * (a follow-up question from a snapshot); streaming buffers are compacted in place, so a state
 * kept for later must be `retain`ed, which makes the next step work on a copy of them.
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { WukongError } from '../errors.js';
import type { DecoderConfig } from './config.js';
import { cacheName, groupHeads, MASK_NAME, MASKED, type Group } from './build-decoder.js';
import { streamingSees, type DuoPattern } from './duo-pattern.js';

type Ort = typeof import('onnxruntime-node');

/** One group's cache buffers across layers: [heads, cap, D] each. */
interface Store {
  bufs: Map<string, Float32Array>;
  cap: number;
  /** Positions written (full stores: shared by every state that reads a prefix of them). */
  filled: number;
  /** Streaming stores: the state whose contents they hold. */
  owner?: CacheState;
}

export interface CacheState {
  /** Tokens seen so far: the next token's absolute position. */
  readonly length: number;
  /** Absolute positions held by the streaming caches (the same in every layer). */
  readonly streamPositions: readonly number[];
  /** The position each streaming cache slot holds (-1: empty); see `slotOf`. */
  readonly streamSlots?: readonly number[];
  /** The token ids this state has read, for prefix reuse. */
  readonly ids: readonly number[];
  readonly full?: Store;
  readonly stream?: Store;
  /** Kept for later (a snapshot): continuing it works on a copy of its streaming buffers. */
  retained?: boolean;
}

export interface StepResult {
  state: CacheState;
  /** [rows, vocab] logits, rows = the positions from logitsFrom on. */
  logits: Float32Array;
  rows: number;
  /** Probe graphs only: attention probabilities per layer and group, [1, h, G, rows, keys]. */
  attention: Map<string, Tensor>;
}

export interface SessionOptions {
  threads?: number;
}

export class DecoderSession {
  readonly vocab: number;
  private readonly groups: { layer: number; group: Group; heads: number }[] = [];
  private readonly uses: Record<Group, boolean> = { full: false, stream: false };
  private readonly streamCap: number;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly config: DecoderConfig,
    readonly pattern: DuoPattern,
  ) {
    this.vocab = config.vocabSize;
    for (let l = 0; l < config.layers; l++) {
      const heads = groupHeads(pattern, l);
      for (const group of ['full', 'stream'] as Group[]) {
        if (!heads[group].length) continue;
        this.groups.push({ layer: l, group, heads: heads[group].length });
        this.uses[group] = true;
      }
    }
    this.streamCap = Math.max(1, pattern.sink + pattern.recent - 1);
  }

  static async load(onnxPath: string, config: DecoderConfig, pattern: DuoPattern, opts: SessionOptions = {}): Promise<DecoderSession> {
    const ort = (await import('onnxruntime-node')) as Ort;
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(onnxPath, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: opts.threads ?? availableParallelism(),
        interOpNumThreads: 1,
      });
    } catch (err) {
      throw new WukongError('MODEL_INVALID', 'The language model graph could not be loaded; rebuild it with `wukong models install`.', String(err));
    }
    return new DecoderSession(ort, session, config, pattern);
  }

  empty(): CacheState {
    return { length: 0, streamPositions: [], ids: [] };
  }

  /** Marks a state to be continued again later (see the class comment). */
  retain(state: CacheState): void {
    state.retained = true;
  }

  /** Bytes of keys and values a state holds. */
  kvBytes(state: CacheState): number {
    const D = this.config.headDim;
    let n = 0;
    for (const { group, heads } of this.groups) n += 2 * heads * D * 4 * (group === 'full' ? state.length : state.streamPositions.length);
    return n;
  }

  /**
   * Reads `ids` after `state` and returns the next state and the logits from position
   * `logitsFrom` of the chunk on (default: the last token only). A graph built with `inputsEmbeds`
   * reads `embeds` ([T, hidden] row-major) instead of the ids, which then only label the state.
   */
  async step(state: CacheState, ids: readonly number[], logitsFrom = ids.length - 1, embeds?: Float32Array): Promise<StepResult> {
    const T = ids.length;
    if (T === 0) throw new Error('step needs at least one token');
    const start = state.length;
    if (start + T > this.config.maxPositions) {
      throw new WukongError('BAD_REQUEST', `The input is longer than this model can read (${this.config.maxPositions} tokens).`);
    }
    const D = this.config.headDim;
    const full = this.uses.full ? this.fullStoreFor(state, start + T) : undefined;
    const stream = this.uses.stream ? this.streamStoreFor(state) : undefined;
    const feeds: Record<string, Tensor> = {
      ...(embeds
        ? { inputs_embeds: new this.ort.Tensor('float32', embeds, [1, T, this.config.hiddenSize]) }
        : { input_ids: new this.ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, T]) }),
      position_ids: new this.ort.Tensor('int64', BigInt64Array.from({ length: T }, (_, i) => BigInt(start + i)), [1, T]),
      logits_start: new this.ort.Tensor('int64', BigInt64Array.of(BigInt(logitsFrom)), [1]),
    };
    for (const { layer, group, heads } of this.groups) {
      const store = group === 'full' ? full! : stream!;
      for (const kv of ['key', 'value'] as const) {
        const name = cacheName('past', layer, group, kv);
        feeds[name] = new this.ort.Tensor('float32', store.bufs.get(name)!, [1, heads, store.cap, D]);
      }
    }
    if (full) {
      feeds[MASK_NAME.full.past] = this.bandMask(T, full.cap, () => start);
      feeds[MASK_NAME.full.new] = this.bandMask(T, T, (i) => i + 1);
    }
    const { sink, recent } = this.pattern;
    const slots = state.streamSlots ?? new Array<number>(this.streamCap).fill(-1);
    if (stream) {
      feeds[MASK_NAME.stream.past] = this.mask(T, stream.cap, (i, j) => slots[j] >= 0 && streamingSees(start + i, slots[j], sink, recent));
      feeds[MASK_NAME.stream.new] = this.mask(T, T, (i, j) => streamingSees(start + i, start + j, sink, recent));
    }
    const out = await this.session.run(feeds);
    const length = start + T;
    // Append this chunk to the full buffers.
    for (const { layer, group, heads } of this.groups) {
      if (group !== 'full') continue;
      for (const kv of ['key', 'value'] as const) {
        const src = out[cacheName('new', layer, group, kv)].data as Float32Array;
        const dst = full!.bufs.get(cacheName('past', layer, group, kv))!;
        for (let h = 0; h < heads; h++) dst.set(src.subarray(h * T * D, (h + 1) * T * D), (h * full!.cap + start) * D);
      }
    }
    if (full) full.filled = length;
    // Streaming buffers keep what a query at `length` or later can still see: sinks and the last
    // recent - 1. Attention does not care in which slot a key sits (the mask follows each slot's
    // position), so the recent window is a ring: a new key takes the slot of the one it evicts.
    const survives = (p: number) => p >= 0 && (p < sink || p > length - recent);
    const nextSlots = slots.map((p) => (survives(p) ? p : -1));
    const writes: [slot: number, row: number][] = [];
    for (let i = 0; i < T; i++) {
      if (!survives(start + i)) continue;
      const slot = this.slotOf(start + i);
      nextSlots[slot] = start + i;
      writes.push([slot, i]);
    }
    const next: CacheState = {
      length,
      streamPositions: nextSlots.filter((p) => p >= 0).sort((a, b) => a - b),
      streamSlots: nextSlots,
      ids: [...state.ids, ...ids],
      full,
      stream,
    };
    if (stream) {
      for (const { layer, group, heads } of this.groups) {
        if (group !== 'stream') continue;
        for (const kv of ['key', 'value'] as const) {
          const buf = stream.bufs.get(cacheName('past', layer, group, kv))!;
          const src = out[cacheName('new', layer, group, kv)].data as Float32Array;
          for (let h = 0; h < heads; h++) {
            const base = h * stream.cap * D;
            for (const [slot, i] of writes) buf.set(src.subarray((h * T + i) * D, (h * T + i + 1) * D), base + slot * D);
          }
        }
      }
      stream.owner = next;
    }
    const logits = out.logits;
    const attention = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(out)) if (name.startsWith('attn.')) attention.set(name, t);
    return { state: next, logits: logits.data as Float32Array, rows: logits.dims[1], attention };
  }

  /**
   * Reads a long input in chunks so no step holds more than `chunk` new positions (the streaming
   * caches stay at sink + recent + chunk), returning the logits of the last token.
   */
  async prefill(state: CacheState, ids: readonly number[], chunk = 512, shouldStop?: () => boolean): Promise<StepResult> {
    let result: StepResult | undefined;
    for (let i = 0; i < ids.length; i += chunk) {
      if (shouldStop?.()) throw new WukongError('CANCELLED');
      result = await this.step(result?.state ?? state, ids.slice(i, i + chunk));
    }
    if (!result) throw new Error('prefill needs at least one token');
    return result;
  }

  /** Sinks keep their own slots; later positions share the recent window's slots in turn. */
  private slotOf(p: number): number {
    const { sink, recent } = this.pattern;
    return p < sink ? p : sink + ((p - sink) % Math.max(1, recent - 1));
  }

  /** The full store a step from `state` appends to: in place, or a copy when it must grow or fork. */
  private fullStoreFor(state: CacheState, need: number): Store {
    const cur = state.full;
    if (cur && cur.filled === state.length && cur.cap >= need) return cur;
    // Attention runs over the whole buffer (unused slots masked), so it grows in small steps: a
    // sixteenth more, at least 256 positions; the copy on regrowth costs less than the slack would.
    const cap = Math.ceil((need + Math.max(256, need / 16)) / 256) * 256;
    const D = this.config.headDim;
    const bufs = new Map<string, Float32Array>();
    for (const { layer, group, heads } of this.groups) {
      if (group !== 'full') continue;
      for (const kv of ['key', 'value'] as const) {
        const name = cacheName('past', layer, group, kv);
        const buf = new Float32Array(heads * cap * D);
        const old = cur?.bufs.get(name);
        if (old) for (let h = 0; h < heads; h++) buf.set(old.subarray(h * cur!.cap * D, (h * cur!.cap + state.length) * D), h * cap * D);
        bufs.set(name, buf);
      }
    }
    return { bufs, cap, filled: state.length };
  }

  private streamStoreFor(state: CacheState): Store {
    const cur = state.stream;
    if (cur && cur.owner !== state) {
      throw new WukongError('INTERNAL', undefined, 'a cache state was continued twice without being retained');
    }
    if (cur && !state.retained) return cur;
    const D = this.config.headDim;
    const bufs = new Map<string, Float32Array>();
    for (const { layer, group, heads } of this.groups) {
      if (group !== 'stream') continue;
      for (const kv of ['key', 'value'] as const) {
        const name = cacheName('past', layer, group, kv);
        const old = cur?.bufs.get(name);
        bufs.set(name, old ? old.slice() : new Float32Array(heads * this.streamCap * D));
      }
    }
    return { bufs, cap: this.streamCap, filled: 0 };
  }

  /** Row i sees columns [0, end(i)): the full heads' masks, built with fills (they can be 512 x 20k). */
  private bandMask(rows: number, cols: number, end: (i: number) => number): Tensor {
    const m = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) m.fill(MASKED, i * cols + Math.min(cols, end(i)), (i + 1) * cols);
    return new this.ort.Tensor('float32', m, [rows, cols]);
  }

  private mask(rows: number, cols: number, visible: (i: number, j: number) => boolean): Tensor {
    const m = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (!visible(i, j)) m[i * cols + j] = MASKED;
    return new this.ort.Tensor('float32', m, [rows, cols]);
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private fullMask(start: number, T: number): Tensor {
    const total = start + T;
    const m = new Float32Array(T * total);
    for (let i = 0; i < T; i++) m.fill(MASKED, i * total + start + i + 1, (i + 1) * total);
    return new this.ort.Tensor('float32', m, [T, total]);
  }

  private streamMask(start: number, T: number, keys: number[]): Tensor {
    const { sink, recent } = this.pattern;
    const m = new Float32Array(T * keys.length);
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < keys.length; j++) {
        if (!streamingSees(start + i, keys[j], sink, recent)) m[i * keys.length + j] = MASKED;
      }
    }
    return new this.ort.Tensor('float32', m, [T, keys.length]);
  }

  /** [1, h, P, D] -> [1, h, keep.length, D]. */
  private gatherPositions(t: Tensor, keep: number[]): Tensor {
    const [, h, P, D] = t.dims;
    const src = t.data as Float32Array;
    const dst = new Float32Array(h * keep.length * D);
    for (let head = 0; head < h; head++) {
      for (let k = 0; k < keep.length; k++) {
        const from = (head * P + keep[k]) * D;
        dst.set(src.subarray(from, from + D), (head * keep.length + k) * D);
      }
    }
    return new this.ort.Tensor('float32', dst, [1, h, keep.length, D]);
  }
}
