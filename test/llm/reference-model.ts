/**
 * An independent float64 forward pass of LlamaForCausalLM / Qwen2ForCausalLM / Qwen3ForCausalLM,
 * written from the transformers modeling code, for checking the ONNX graph builder. It reads
 * config.json and the weights itself and imports nothing from core/llm: sharing code with the
 * builder would let one mistake pass as agreement.
 *
 * The whole prompt is recomputed for every decoded token. That is quadratic, but on tiny models it
 * costs milliseconds and leaves no cache logic to get wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTensors, type TensorSpec } from './tiny-models.js';

/** DuoAttention: per layer, per KV head, 1 = retrieval, 0 = streaming (sinks + recent window). */
export interface StreamingPattern {
  sink: number;
  recent: number;
  layers: number[][];
}

interface Arch {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  eps: number;
  qkvBias: boolean;
  qkNorm: boolean;
  tied: boolean;
  invFreq: Float64Array;
}

export class ReferenceModel {
  private constructor(
    readonly arch: Arch,
    private readonly w: Map<string, TensorSpec>,
  ) {}

  static load(folder: string): ReferenceModel {
    const raw = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    return new ReferenceModel(archFromConfig(raw), readTensors(folder));
  }

  /** A decoder from a config object and tensors already read (a vision-language model's text part). */
  static fromParts(config: Record<string, unknown>, tensors: Map<string, TensorSpec>): ReferenceModel {
    return new ReferenceModel(archFromConfig(config), tensors);
  }

  /** The token embeddings of `ids`. */
  embed(ids: readonly number[]): Float64Array[] {
    const embed = this.t('model.embed_tokens.weight');
    return ids.map((id) => embed.subarray(id * this.arch.hidden, (id + 1) * this.arch.hidden).slice());
  }

  /** Next-token logits at every position of `ids`, [ids.length][vocab]. */
  forward(ids: readonly number[], pattern?: StreamingPattern): Float64Array[] {
    return this.forwardEmbeds(this.embed(ids), pattern);
  }

  /** Next-token logits at every position of a sequence of input embeddings. */
  forwardEmbeds(inputs: Float64Array[], pattern?: StreamingPattern): Float64Array[] {
    const a = this.arch;
    const T = inputs.length;
    let h = inputs;
    for (let l = 0; l < a.layers; l++) {
      const p = `model.layers.${l}`;
      const x = h.map((v) => rmsNorm(v, this.t(`${p}.input_layernorm.weight`), a.eps));
      const attn = this.attention(l, x, pattern);
      h = h.map((v, i) => add(v, attn[i]));
      const y = h.map((v) => rmsNorm(v, this.t(`${p}.post_attention_layernorm.weight`), a.eps));
      h = h.map((v, i) => add(v, this.mlp(l, y[i])));
    }
    const headW = a.tied ? this.t('model.embed_tokens.weight') : this.t('lm_head.weight');
    return Array.from({ length: T }, (_, i) => linear(rmsNorm(h[i], this.t('model.norm.weight'), a.eps), headW, a.vocab));
  }

  /**
   * Greedy continuation of `ids`: `n` new ids, and the smallest gap between the best and the
   * second-best logit along the way (how safely another implementation must agree).
   */
  greedy(ids: readonly number[], n: number, pattern?: StreamingPattern): { ids: number[]; minMargin: number } {
    const seq = [...ids];
    const out: number[] = [];
    let minMargin = Infinity;
    while (out.length < n) {
      const logits = this.forward(seq, pattern);
      const last = logits[logits.length - 1];
      const { best, margin } = top2(last);
      minMargin = Math.min(minMargin, margin);
      out.push(best);
      seq.push(best);
    }
    return { ids: out, minMargin };
  }

  private t(name: string): Float64Array {
    const t = this.w.get(name);
    if (!t) throw new Error(`reference: no tensor ${name}`);
    return t.data;
  }

  private attention(l: number, x: Float64Array[], pattern?: StreamingPattern): Float64Array[] {
    const a = this.arch;
    const D = a.headDim;
    const G = a.heads / a.kvHeads;
    const p = `model.layers.${l}.self_attn`;
    const T = x.length;
    const proj = (name: string, rows: number) => {
      const w = this.t(`${p}.${name}.weight`);
      const b = a.qkvBias ? this.t(`${p}.${name}.bias`) : undefined;
      return x.map((v) => {
        const y = linear(v, w, rows);
        if (b) for (let r = 0; r < rows; r++) y[r] += b[r];
        return y;
      });
    };
    const q = proj('q_proj', a.heads * D);
    const k = proj('k_proj', a.kvHeads * D);
    const v = proj('v_proj', a.kvHeads * D);
    // Qwen3 normalises each head's q and k before rotary, with the same eps as the other norms.
    if (a.qkNorm) {
      const qn = this.t(`${p}.q_norm.weight`);
      const kn = this.t(`${p}.k_norm.weight`);
      for (const row of q) for (let hd = 0; hd < a.heads; hd++) row.set(rmsNorm(row.subarray(hd * D, (hd + 1) * D), qn, a.eps), hd * D);
      for (const row of k) for (let hd = 0; hd < a.kvHeads; hd++) row.set(rmsNorm(row.subarray(hd * D, (hd + 1) * D), kn, a.eps), hd * D);
    }
    for (let i = 0; i < T; i++) {
      for (let hd = 0; hd < a.heads; hd++) rotate(q[i].subarray(hd * D, (hd + 1) * D), i, a.invFreq);
      for (let hd = 0; hd < a.kvHeads; hd++) rotate(k[i].subarray(hd * D, (hd + 1) * D), i, a.invFreq);
    }
    const ctx = Array.from({ length: T }, () => new Float64Array(a.heads * D));
    const scale = 1 / Math.sqrt(D);
    for (let hd = 0; hd < a.heads; hd++) {
      // repeat_kv: query head hd reads key/value head floor(hd / G).
      const kv = Math.floor(hd / G);
      const streaming = pattern !== undefined && pattern.layers[l][kv] === 0;
      for (let i = 0; i < T; i++) {
        const sees = (j: number) => j <= i && (!streaming || j < pattern.sink || j > i - pattern.recent);
        const scores = new Float64Array(i + 1).fill(-Infinity);
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          if (!sees(j)) continue;
          let s = 0;
          for (let d = 0; d < D; d++) s += q[i][hd * D + d] * k[j][kv * D + d];
          scores[j] = s * scale;
          max = Math.max(max, scores[j]);
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) sum += scores[j] === -Infinity ? 0 : Math.exp(scores[j] - max);
        for (let j = 0; j <= i; j++) {
          if (scores[j] === -Infinity) continue;
          const pj = Math.exp(scores[j] - max) / sum;
          for (let d = 0; d < D; d++) ctx[i][hd * D + d] += pj * v[j][kv * D + d];
        }
      }
    }
    const wo = this.t(`${p}.o_proj.weight`);
    return ctx.map((c) => linear(c, wo, a.hidden));
  }

  private mlp(l: number, x: Float64Array): Float64Array {
    const a = this.arch;
    const p = `model.layers.${l}.mlp`;
    const gate = linear(x, this.t(`${p}.gate_proj.weight`), a.intermediate);
    const up = linear(x, this.t(`${p}.up_proj.weight`), a.intermediate);
    for (let i = 0; i < gate.length; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
    return linear(gate, this.t(`${p}.down_proj.weight`), a.hidden);
  }
}

/** The architecture as transformers reads it, with its class defaults where config.json is silent. */
function archFromConfig(c: Record<string, unknown>): Arch {
  const type = c.model_type as string;
  if (!['llama', 'qwen2', 'qwen3'].includes(type)) throw new Error(`reference: model_type ${type}`);
  const num = (k: string, dflt?: number) => {
    const v = c[k];
    if (typeof v === 'number') return v;
    if (dflt === undefined) throw new Error(`reference: config has no ${k}`);
    return dflt;
  };
  const hidden = num('hidden_size');
  const heads = num('num_attention_heads');
  const headDim = typeof c.head_dim === 'number' ? c.head_dim : hidden / heads;
  return {
    hidden,
    intermediate: num('intermediate_size'),
    layers: num('num_hidden_layers'),
    heads,
    kvHeads: num('num_key_value_heads', heads),
    headDim,
    vocab: num('vocab_size'),
    eps: num('rms_norm_eps', 1e-6),
    qkvBias: type === 'qwen2' || c.attention_bias === true,
    qkNorm: type === 'qwen3',
    // LlamaConfig, Qwen2Config and Qwen3Config all default tie_word_embeddings to False.
    tied: c.tie_word_embeddings === true,
    invFreq: inverseFrequencies(headDim, num('rope_theta', 10000), c.rope_scaling as Record<string, number | string> | null | undefined),
  };
}

/** transformers' _compute_default/linear/llama3_rope_parameters, in float64. */
export function inverseFrequencies(dim: number, base: number, scaling: Record<string, number | string> | null | undefined): Float64Array {
  const inv = Float64Array.from({ length: dim / 2 }, (_, i) => 1 / base ** ((2 * i) / dim));
  const type = scaling ? (scaling.rope_type ?? scaling.type) : 'default';
  if (!scaling || type === 'default') return inv;
  const factor = scaling.factor as number;
  if (type === 'linear') return inv.map((f) => f / factor);
  if (type !== 'llama3') throw new Error(`reference: rope type ${String(type)}`);
  const low = scaling.low_freq_factor as number;
  const high = scaling.high_freq_factor as number;
  const old = scaling.original_max_position_embeddings as number;
  const lowWavelen = old / low;
  const highWavelen = old / high;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    const scaled = wavelen > lowWavelen ? f / factor : f;
    const smooth = (old / wavelen - low) / (high - low);
    const medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
    return medium ? ((1 - smooth) * scaled) / factor + smooth * scaled : scaled;
  });
}

/** In place: x * cos + rotate_half(x) * sin, rotate_half(x) = [-x2, x1]. */
function rotate(x: Float64Array, pos: number, invFreq: Float64Array): void {
  const half = x.length / 2;
  for (let i = 0; i < half; i++) {
    const c = Math.cos(pos * invFreq[i]);
    const s = Math.sin(pos * invFreq[i]);
    const x1 = x[i];
    const x2 = x[i + half];
    x[i] = x1 * c - x2 * s;
    x[i + half] = x2 * c + x1 * s;
  }
}

function rmsNorm(x: Float64Array, w: Float64Array, eps: number): Float64Array {
  let ms = 0;
  for (const v of x) ms += v * v;
  const inv = 1 / Math.sqrt(ms / x.length + eps);
  return x.map((v, i) => v * inv * w[i]);
}

/** y = W x for a torch-layout [rows, x.length] weight. */
export function linear(x: Float64Array, w: Float64Array, rows: number): Float64Array {
  const K = x.length;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * K;
    for (let k = 0; k < K; k++) s += w[o + k] * x[k];
    y[r] = s;
  }
  return y;
}

export function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}

export function top2(x: ArrayLike<number>): { best: number; margin: number } {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  let second = -Infinity;
  for (let i = 0; i < x.length; i++) if (i !== best && x[i] > second) second = x[i];
  return { best, margin: x[best] - second };
}
