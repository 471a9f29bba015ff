/**
 * Builds the ONNX decoder graph of a Llama-family causal LM from its safetensors weights.
 *
 * Graph contract (batch 1):
 *   inputs  input_ids [1,T] int64 (or inputs_embeds [1,T,H] float with `inputsEmbeds`),
 *           position_ids [1,T] int64 (absolute positions: rotary never counts from the cache
 *           length, so a compacted streaming cache stays exact),
 *           logits_start [1] int64 (logits only from this position on: 0 for all, T-1 for the last),
 *           past.L.G.key/value [1,h,cap_G,D]: the cache buffers of group G ("full" or "stream"),
 *           owned by the caller, keys after RoPE; slots past what is filled are masked,
 *           mask_past_G [T, cap_G] and mask_new_G [T, T]: additive masks (0 or -1e30) over the
 *           cached keys and over the chunk's own keys.
 *   outputs logits [1,T',V], new.L.G.key/value [1,h,T,D]: this chunk's keys (after RoPE) and values,
 *           which the caller writes into its buffers.
 * Attention is computed in two blocks (cached keys, chunk keys) joined by one softmax, so the
 * cache is never copied inside the graph: each step reads it once and the caller appends in place.
 * The masks carry every attention rule (causal, sinks + recent window), so the graph is the same
 * for prefill, chunked prefill and decode, and the cache manager owns the DuoAttention semantics.
 * Each layer's key/value heads are split into a retrieval ("full") and a streaming group by
 * permuting the q/k/v rows and o columns once here, so each group is one contiguous block.
 */
import { writeFileSync } from 'node:fs';
import type { Precision } from '../api.js';
import { WukongError } from '../errors.js';
import { ropeInverseFrequencies, type DecoderConfig } from './config.js';
import { assertPatternFits, type DuoPattern } from './duo-pattern.js';
import { DT, GraphWriter } from './onnx/graph.js';
import { quantizeRows } from './quantize.js';
import { floatToHalf, type Checkpoint } from './safetensors.js';

export type { Precision };
export const PRECISIONS: Precision[] = ['fp32', 'fp16', 'int8', 'int4'];

export interface BuildOptions {
  precision: Precision;
  /** MatMulNBits accuracy_level: 0 = float compute, 4 = int8 compute (faster on AVX-512 VNNI / AVX2). */
  accuracyLevel?: 0 | 1 | 2 | 3 | 4;
  pattern: DuoPattern;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  /** Also output each layer's attention probabilities from logits_start on (`attn.L.group`), for head profiling. */
  probe?: boolean;
  /**
   * Take `inputs_embeds` [1,T,H] float instead of input_ids (vision-language models write image
   * features into the embedded prompt; the token embedding is then a separate graph).
   */
  inputsEmbeds?: boolean;
}

export type Group = 'full' | 'stream';
export const MASK_NAME: Record<Group, { past: string; new: string }> = {
  full: { past: 'mask_past_full', new: 'mask_new_full' },
  stream: { past: 'mask_past_stream', new: 'mask_new_stream' },
};

/** Key/value heads of each group in one layer, in graph order. */
export function groupHeads(pattern: DuoPattern, layer: number): Record<Group, number[]> {
  const row = pattern.layers[layer];
  return { full: row.flatMap((v, h) => (v === 1 ? [h] : [])), stream: row.flatMap((v, h) => (v === 0 ? [h] : [])) };
}

export function cacheName(kind: 'past' | 'new', layer: number, group: Group, kv: 'key' | 'value'): string {
  return `${kind}.${layer}.${group}.${kv}`;
}

const NEG = -1e30;
export const MASKED = NEG;

export function buildDecoderGraph(ck: Checkpoint, c: DecoderConfig, onnxPath: string, dataPath: string, opts: BuildOptions): void {
  assertPatternFits(opts.pattern, c);
  const g = new GraphWriter(dataPath);
  let bytes: Uint8Array;
  try {
    bytes = new Builder(g, ck, c, opts).build();
  } catch (err) {
    // A cancelled or refused build must not keep its (possibly gigabytes of) data file open.
    g.close();
    throw err;
  }
  writeFileSync(onnxPath, bytes);
}

class Builder {
  private readonly D: number;
  private readonly G: number;
  private readonly quantBits: 4 | 8 | 0;
  private done = 0;
  private readonly total: number;

  constructor(
    private readonly g: GraphWriter,
    private readonly ck: Checkpoint,
    private readonly c: DecoderConfig,
    private readonly opts: BuildOptions,
  ) {
    this.D = c.headDim;
    this.G = c.heads / c.kvHeads;
    this.quantBits = opts.precision === 'int4' ? 4 : opts.precision === 'int8' ? 8 : 0;
    this.total = c.layers + 2;
  }

  private tick(): void {
    this.done++;
    this.opts.onProgress?.(this.done, this.total);
    if (this.opts.shouldStop?.()) throw new WukongError('CANCELLED');
  }

  build(): Uint8Array {
    const { g, c } = this;
    const ids = this.opts.inputsEmbeds ? '' : g.input('input_ids', DT.INT64, [1, 'seq']);
    const pos = g.input('position_ids', DT.INT64, [1, 'seq']);
    const logitsStart = g.input('logits_start', DT.INT64, [1]);
    this.logitsStart = logitsStart;
    const usesGroup = { full: false, stream: false };
    for (let l = 0; l < c.layers; l++) {
      const heads = groupHeads(this.opts.pattern, l);
      if (heads.full.length) usesGroup.full = true;
      if (heads.stream.length) usesGroup.stream = true;
    }
    const masks: Partial<Record<Group, { past: string; new: string }>> = {};
    for (const grp of ['full', 'stream'] as Group[]) {
      if (!usesGroup[grp]) continue;
      masks[grp] = {
        past: g.input(MASK_NAME[grp].past, DT.FLOAT, ['seq', `cap_${grp}`]),
        new: g.input(MASK_NAME[grp].new, DT.FLOAT, ['seq', 'seq']),
      };
    }

    this.rotaryCaches();
    let h = this.opts.inputsEmbeds ? g.input('inputs_embeds', DT.FLOAT, [1, 'seq', c.hiddenSize]) : this.embed(ids);
    this.tick();
    for (let l = 0; l < c.layers; l++) {
      const p = `model.layers.${l}`;
      const x = this.rmsNorm(h, `${p}.input_layernorm.weight`, c.hiddenSize);
      h = g.op('Add', [h, this.attention(l, x, pos, masks)]);
      const y = this.rmsNorm(h, `${p}.post_attention_layernorm.weight`, c.hiddenSize);
      h = g.op('Add', [h, this.mlp(l, y)]);
      this.tick();
    }
    const last = g.op('Slice', [h, logitsStart, g.constInt64([2 ** 62]), g.constInt64([1])]);
    const normed = this.rmsNorm(last, 'model.norm.weight', c.hiddenSize);
    const headName = c.tiedEmbeddings || !this.ck.has('lm_head.weight') ? 'model.embed_tokens.weight' : 'lm_head.weight';
    this.lmHead(normed, headName);
    this.tick();
    return g.finish({ opset: 17, msOpset: 1, producer: 'wukong-reader', doc: JSON.stringify({ precision: this.opts.precision }) });
  }

  // ------------------------------------------------------------ pieces

  private embed(ids: string): string {
    const { g, c } = this;
    const w = this.ck.read('model.embed_tokens.weight', [c.vocabSize, c.hiddenSize]);
    if (this.opts.precision === 'fp32') {
      this.embedName = g.initializer('embed_tokens', DT.FLOAT, [c.vocabSize, c.hiddenSize], w);
      return g.op('Gather', [this.embedName, ids], { axis: 0 });
    }
    // Quantised builds keep the table in fp16 (the lm_head gets its own quantised copy).
    const half = g.initializer('embed_tokens_f16', DT.FLOAT16, [c.vocabSize, c.hiddenSize], toHalf(w));
    if (this.opts.precision === 'fp16') {
      this.embedName = g.op('Cast', [half], { to: DT.FLOAT });
      return g.op('Gather', [this.embedName, ids], { axis: 0 });
    }
    return g.op('Cast', [g.op('Gather', [half, ids], { axis: 0 })], { to: DT.FLOAT });
  }

  private embedName?: string;
  private logitsStart = 'logits_start';

  private lmHead(x: string, weight: string): void {
    const { g, c } = this;
    let logits: string;
    if (this.quantBits) {
      logits = this.linearFromRows(x, this.ck.read(weight, [c.vocabSize, c.hiddenSize]), c.vocabSize, c.hiddenSize, 'lm_head');
    } else {
      const table =
        weight === 'model.embed_tokens.weight' && this.embedName
          ? this.embedName
          : this.floatInit('lm_head', [c.vocabSize, c.hiddenSize], this.ck.read(weight, [c.vocabSize, c.hiddenSize]));
      const flat = g.op('Reshape', [x, g.constInt64([-1, c.hiddenSize])]);
      const out = g.op('Gemm', [flat, table], { transB: 1 });
      logits = g.op('Reshape', [out, g.constInt64([1, -1, c.vocabSize])]);
    }
    g.node('Identity', [logits], { outputs: ['logits'] });
    g.output('logits', DT.FLOAT, [1, 'logits_seq', c.vocabSize]);
  }

  /** A float initializer in the build's float storage type, as float32 for the graph. */
  private floatInit(name: string, dims: number[], data: Float32Array): string {
    if (this.opts.precision === 'fp32' || this.quantBits) return this.g.initializer(name, DT.FLOAT, dims, data);
    return this.g.op('Cast', [this.g.initializer(`${name}_f16`, DT.FLOAT16, dims, toHalf(data))], { to: DT.FLOAT });
  }

  /** cos/sin of every position the model can read times each rotary frequency (rotate-half layout). */
  private rotaryCaches(): void {
    const { g, c } = this;
    const inv = ropeInverseFrequencies(c);
    const half = c.headDim / 2;
    const cos = new Float32Array(c.maxPositions * half);
    const sin = new Float32Array(c.maxPositions * half);
    for (let p = 0; p < c.maxPositions; p++) {
      for (let i = 0; i < half; i++) {
        cos[p * half + i] = Math.cos(p * inv[i]);
        sin[p * half + i] = Math.sin(p * inv[i]);
      }
    }
    this.cosCache = g.initializer('rope_cos', DT.FLOAT, [c.maxPositions, half], cos);
    this.sinCache = g.initializer('rope_sin', DT.FLOAT, [c.maxPositions, half], sin);
  }

  private cosCache = '';
  private sinCache = '';

  /** Rotate-half RoPE of [1,heads,T,D] at the given absolute positions. */
  private rope(x: string, pos: string): string {
    return this.g.op('RotaryEmbedding', [x, pos, this.cosCache, this.sinCache], { interleaved: 0 }, 'com.microsoft');
  }

  private rmsNorm(x: string, weight: string, size: number): string {
    return this.simplifiedNorm(x, this.g.initializer(`${weight}`, DT.FLOAT, [size], this.ck.read(weight, [size])));
  }

  /** RMSNorm over the last axis: ONNX Runtime's fused kernel (computed in float, as transformers does). */
  private simplifiedNorm(x: string, weight: string): string {
    return this.g.op('SimplifiedLayerNormalization', [x, weight], { axis: -1, epsilon: { float: this.c.rmsEps } });
  }

  private attention(l: number, x: string, pos: string, masks: Partial<Record<Group, { past: string; new: string }>>): string {
    const { g, c, D, G } = this;
    const p = `model.layers.${l}.self_attn`;
    const heads = groupHeads(this.opts.pattern, l);
    const groups = (['full', 'stream'] as Group[]).filter((k) => heads[k].length > 0);
    const wq = this.ck.read(`${p}.q_proj.weight`, [c.heads * D, c.hiddenSize]);
    const wk = this.ck.read(`${p}.k_proj.weight`, [c.kvHeads * D, c.hiddenSize]);
    const wv = this.ck.read(`${p}.v_proj.weight`, [c.kvHeads * D, c.hiddenSize]);
    const bq = c.qkvBias ? this.ck.read(`${p}.q_proj.bias`, [c.heads * D]) : undefined;
    const bk = c.qkvBias ? this.ck.read(`${p}.k_proj.bias`, [c.kvHeads * D]) : undefined;
    const bv = c.qkvBias ? this.ck.read(`${p}.v_proj.bias`, [c.kvHeads * D]) : undefined;

    // Rows of one fused projection: q of each group, then k of each group, then v of each group.
    const qRows = (grp: Group) => heads[grp].flatMap((kv) => range(kv * G, kv * G + G).flatMap((qh) => range(qh * D, qh * D + D)));
    const kvRows = (grp: Group) => heads[grp].flatMap((kv) => range(kv * D, kv * D + D));
    const parts: { w: Float32Array; b?: Float32Array; rows: number[] }[] = [];
    for (const grp of groups) parts.push({ w: wq, b: bq, rows: qRows(grp) });
    for (const grp of groups) parts.push({ w: wk, b: bk, rows: kvRows(grp) });
    for (const grp of groups) parts.push({ w: wv, b: bv, rows: kvRows(grp) });
    const N = parts.reduce((s, part) => s + part.rows.length, 0);
    const fused = new Float32Array(N * c.hiddenSize);
    const bias = c.qkvBias ? new Float32Array(N) : undefined;
    let r = 0;
    for (const part of parts) {
      for (const row of part.rows) {
        fused.set(part.w.subarray(row * c.hiddenSize, (row + 1) * c.hiddenSize), r * c.hiddenSize);
        if (bias && part.b) bias[r] = part.b[row];
        r++;
      }
    }
    let qkv = this.linearFromRows(x, fused, N, c.hiddenSize, `l${l}_qkv`);
    if (bias) qkv = g.op('Add', [qkv, g.initializer(`l${l}_qkv_bias`, DT.FLOAT, [N], bias)]);
    const sizes = parts.map((part) => part.rows.length);
    const split = g.node('Split', [qkv, g.constInt64(sizes)], { outputs: sizes.length, attrs: { axis: -1 } });
    const qNorm = c.qkNorm ? g.initializer(`l${l}_q_norm`, DT.FLOAT, [D], this.ck.read(`${p}.q_norm.weight`, [D])) : undefined;
    const kNorm = c.qkNorm ? g.initializer(`l${l}_k_norm`, DT.FLOAT, [D], this.ck.read(`${p}.k_norm.weight`, [D])) : undefined;
    const contexts: string[] = [];
    const oCols: number[] = [];
    groups.forEach((grp, gi) => {
      const n = heads[grp].length;
      let q = g.op('Reshape', [split[gi], g.constInt64([1, -1, n * G, D])]);
      let k = g.op('Reshape', [split[groups.length + gi], g.constInt64([1, -1, n, D])]);
      const v = g.op('Reshape', [split[2 * groups.length + gi], g.constInt64([1, -1, n, D])]);
      if (qNorm && kNorm) {
        q = this.headNorm(q, qNorm);
        k = this.headNorm(k, kNorm);
      }
      // [1,heads,T,D], rotated at the absolute positions given.
      q = this.rope(g.op('Transpose', [q], { perm: [0, 2, 1, 3] }), pos);
      const kNew = g.node('Identity', [this.rope(g.op('Transpose', [k], { perm: [0, 2, 1, 3] }), pos)], { outputs: [cacheName('new', l, grp, 'key')] })[0];
      const vNew = g.node('Transpose', [v], { outputs: [cacheName('new', l, grp, 'value')], attrs: { perm: [0, 2, 1, 3] } })[0];
      g.output(kNew, DT.FLOAT, [1, n, 'seq', D]);
      g.output(vNew, DT.FLOAT, [1, n, 'seq', D]);
      const cacheDims = [1, n, `cap_${grp}`, D];
      const pastK = g.input(cacheName('past', l, grp, 'key'), DT.FLOAT, cacheDims);
      const pastV = g.input(cacheName('past', l, grp, 'value'), DT.FLOAT, cacheDims);
      // Queries of a group's heads as rows of one matrix per key/value head ([1,n,G*T,D]), so
      // every product is a plain batched GEMM over the n heads (no broadcast copies).
      const rows = g.op('Reshape', [q, g.constInt64([1, n, -1, D])]);
      const scale = { float: 1 / Math.sqrt(D) };
      // [1,n,G*T,keys] <-> [n,G,T,keys]: the view where the [T, keys] masks broadcast.
      const split4 = (t: string) => g.op('Reshape', [t, g.constInt64([n, G, -1, 0])]);
      const merge4 = (t: string) => g.op('Reshape', [t, g.constInt64([1, n, -1, 0])]);
      // Scores against the cached keys and against the chunk's own keys, joined by one softmax.
      const s1 = g.op('Add', [split4(g.op('FusedMatMul', [rows, pastK], { transB: 1, alpha: scale }, 'com.microsoft')), masks[grp]!.past]);
      const s2 = g.op('Add', [split4(g.op('FusedMatMul', [rows, kNew], { transB: 1, alpha: scale }, 'com.microsoft')), masks[grp]!.new]);
      const m = g.op('Max', [g.op('ReduceMax', [s1], { axes: [-1], keepdims: 1 }), g.op('ReduceMax', [s2], { axes: [-1], keepdims: 1 })]);
      const e1 = g.op('Exp', [g.op('Sub', [s1, m])]);
      const e2 = g.op('Exp', [g.op('Sub', [s2, m])]);
      const last = g.constInt64([-1]);
      const denom = g.op('Add', [g.op('ReduceSum', [e1, last], { keepdims: 1 }), g.op('ReduceSum', [e2, last], { keepdims: 1 })]);
      if (this.opts.probe) {
        // Profiling reads a whole prompt from an empty cache: every key is in the chunk block.
        const name = `attn.${l}.${grp}`;
        const probs = g.op('Unsqueeze', [g.op('Div', [e2, denom]), g.constInt64([0])]);
        g.node('Slice', [probs, this.logitsStart, g.constInt64([2 ** 62]), g.constInt64([3])], { outputs: [name] });
        g.output(name, DT.FLOAT, [1, n, G, 'rows', 'seq']);
      }
      const weighted = g.op('Add', [g.op('MatMul', [merge4(e1), pastV]), g.op('MatMul', [merge4(e2), vNew])]);
      const ctx = g.op('Div', [g.op('Reshape', [weighted, g.constInt64([1, n, G, -1, D])]), g.op('Unsqueeze', [denom, g.constInt64([0])])]);
      const back = g.op('Transpose', [ctx], { perm: [0, 3, 1, 2, 4] });
      contexts.push(g.op('Reshape', [back, g.constInt64([1, -1, n * G * D])]));
      for (const kv of heads[grp]) for (let qh = kv * G; qh < kv * G + G; qh++) oCols.push(...range(qh * D, qh * D + D));
    });
    const ctx = contexts.length === 1 ? contexts[0] : g.op('Concat', contexts, { axis: -1 });
    // o_proj's input columns follow the permuted head order.
    const wo = this.ck.read(`${p}.o_proj.weight`, [c.hiddenSize, c.heads * D]);
    const K = c.heads * D;
    const perm = new Float32Array(c.hiddenSize * K);
    for (let row = 0; row < c.hiddenSize; row++) {
      for (let j = 0; j < K; j++) perm[row * K + j] = wo[row * K + oCols[j]];
    }
    return this.linearFromRows(ctx, perm, c.hiddenSize, K, `l${l}_o`);
  }

  /** Qwen3's RMSNorm over each head's vector (the last axis). */
  private headNorm(x: string, weight: string): string {
    return this.simplifiedNorm(x, weight);
  }

  private mlp(l: number, x: string): string {
    const { g, c } = this;
    const p = `model.layers.${l}.mlp`;
    const I = c.intermediateSize;
    const gate = this.ck.read(`${p}.gate_proj.weight`, [I, c.hiddenSize]);
    const up = this.ck.read(`${p}.up_proj.weight`, [I, c.hiddenSize]);
    const fused = new Float32Array(2 * I * c.hiddenSize);
    fused.set(gate, 0);
    fused.set(up, I * c.hiddenSize);
    const gu = this.linearFromRows(x, fused, 2 * I, c.hiddenSize, `l${l}_gate_up`);
    const [gt, u] = g.node('Split', [gu, g.constInt64([I, I])], { outputs: 2, attrs: { axis: -1 } });
    const act = g.op('Mul', [g.op('Mul', [gt, g.op('Sigmoid', [gt])]), u]);
    const down = this.ck.read(`${p}.down_proj.weight`, [c.hiddenSize, I]);
    return this.linearFromRows(act, down, c.hiddenSize, I, `l${l}_down`);
  }

  /** y = x W^T for a torch-layout [N, K] weight, in the build's precision. */
  private linearFromRows(x: string, w: Float32Array, N: number, K: number, name: string): string {
    const { g } = this;
    if (this.quantBits) {
      const q = quantizeRows(w, N, K, this.quantBits, 32);
      const blob = (q.blockSize * q.bits) / 8;
      const B = g.initializer(`${name}_q${q.bits}`, DT.UINT8, [N, q.blocksPerRow, blob], q.data);
      const scales = g.initializer(`${name}_scales`, DT.FLOAT, [N * q.blocksPerRow], q.scales);
      const zp = g.initializer(`${name}_zp`, DT.UINT8, [q.zeroPoints.length], q.zeroPoints);
      return g.op('MatMulNBits', [x, B, scales, zp], { K, N, bits: q.bits, block_size: q.blockSize, accuracy_level: this.opts.accuracyLevel ?? 4 }, 'com.microsoft');
    }
    const t = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) t[k * N + n] = w[n * K + k];
    return g.op('MatMul', [x, this.floatInit(name, [K, N], t)]);
  }
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

function toHalf(w: Float32Array): Uint16Array {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = floatToHalf(w[i]);
  return out;
}
