/**
 * Runs a built decoder graph and owns its KV cache. Retrieval ("full") heads keep every
 * position; streaming heads keep the first `sink` positions and the last `recent - 1` before the
 * next token, compacted after each step. Every attention rule lives in the masks built here, so
 * one-shot prefill, chunked prefill and decode give the same logits.
 *
 * A cache state is immutable (each step returns a new one), so a state kept as a snapshot (the
 * evidence prefix, the end of an answer) can be continued from later at no cost.
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { WukongError } from '../errors.js';
import type { DecoderConfig } from './config.js';
import { cacheName, groupHeads, MASK_NAME, MASKED, type Group } from './build-decoder.js';
import { streamingSees, type DuoPattern } from './duo-pattern.js';

type Ort = typeof import('onnxruntime-node');

export interface CacheState {
  /** Tokens seen so far: the next token's absolute position. */
  readonly length: number;
  /** Absolute positions held by the streaming caches (the same in every layer). */
  readonly streamPositions: readonly number[];
  readonly tensors: ReadonlyMap<string, Tensor>;
  /** The token ids this state has read, for prefix reuse. */
  readonly ids: readonly number[];
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
    const tensors = new Map<string, Tensor>();
    for (const { layer, group, heads } of this.groups) {
      for (const kv of ['key', 'value'] as const) {
        tensors.set(cacheName('past', layer, group, kv), new this.ort.Tensor('float32', new Float32Array(0), [1, heads, 0, this.config.headDim]));
      }
    }
    return { length: 0, streamPositions: [], tensors, ids: [] };
  }

  /** Bytes held by a state's caches. */
  kvBytes(state: CacheState): number {
    let n = 0;
    for (const t of state.tensors.values()) n += (t.data as Float32Array).byteLength;
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
    const feeds: Record<string, Tensor> = {
      ...(embeds
        ? { inputs_embeds: new this.ort.Tensor('float32', embeds, [1, T, this.config.hiddenSize]) }
        : { input_ids: new this.ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, T]) }),
      position_ids: new this.ort.Tensor('int64', BigInt64Array.from({ length: T }, (_, i) => BigInt(start + i)), [1, T]),
      logits_start: new this.ort.Tensor('int64', BigInt64Array.of(BigInt(logitsFrom)), [1]),
    };
    for (const [name, t] of state.tensors) feeds[name] = t;
    if (this.uses.full) feeds[MASK_NAME.full] = this.fullMask(start, T);
    const streamKeys = [...state.streamPositions, ...Array.from({ length: T }, (_, i) => start + i)];
    if (this.uses.stream) feeds[MASK_NAME.stream] = this.streamMask(start, T, streamKeys);
    const out = await this.session.run(feeds);
    const length = start + T;
    const { sink, recent } = this.pattern;
    // What a query at `length` or later can still see: the sinks and the last recent - 1 positions.
    const keep = streamKeys.map((p, i) => (p < sink || p > length - recent ? i : -1)).filter((i) => i >= 0);
    const tensors = new Map<string, Tensor>();
    for (const { layer, group } of this.groups) {
      for (const kv of ['key', 'value'] as const) {
        let t = out[cacheName('present', layer, group, kv)];
        if (group === 'stream' && keep.length < streamKeys.length) t = this.gatherPositions(t, keep);
        tensors.set(cacheName('past', layer, group, kv), t);
      }
    }
    const logits = out.logits;
    const attention = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(out)) if (name.startsWith('attn.')) attention.set(name, t);
    return {
      state: { length, streamPositions: keep.map((i) => streamKeys[i]), tensors, ids: [...state.ids, ...ids] },
      logits: logits.data as Float32Array,
      rows: logits.dims[1],
      attention,
    };
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
