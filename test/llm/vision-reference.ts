/**
 * An independent float64 forward pass of Idefics3ForConditionalGeneration (SmolVLM), written from
 * transformers' modeling_idefics3.py for checking core/llm/vision: Idefics3VisionEmbeddings (Conv2d
 * patch embedding, bucketised position ids), SiglipEncoderLayer (pre-LayerNorm, biased attention,
 * gelu_pytorch_tanh MLP), post_layernorm, Idefics3Connector.pixel_shuffle as the same sequence of
 * view/permute/reshape on a plain array, the bias-free modality projection, inputs_merger, and the
 * Llama decoder of reference-model.ts over the merged embeddings. Imports nothing from core/llm.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { add, linear, ReferenceModel, top2, type StreamingPattern } from './reference-model.js';
import { readTensors, type TensorSpec } from './tiny-models.js';

interface VisionArch {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  imageSize: number;
  patchSize: number;
  eps: number;
}

export class VisionReference {
  readonly text: ReferenceModel;

  private constructor(
    readonly vision: VisionArch,
    readonly scaleFactor: number,
    readonly imageTokenId: number,
    private readonly w: Map<string, TensorSpec>,
    textConfig: Record<string, unknown>,
  ) {
    // The text model's tensors under Llama names; Idefics3ForConditionalGeneration ties lm_head to
    // the text embeddings when the top-level tie_word_embeddings is true.
    const textTensors = new Map<string, TensorSpec>();
    for (const [name, t] of w) {
      if (name.startsWith('model.text_model.')) textTensors.set(`model.${name.slice('model.text_model.'.length)}`, t);
      if (name === 'lm_head.weight') textTensors.set(name, t);
    }
    this.text = ReferenceModel.fromParts(textConfig, textTensors);
  }

  static load(folder: string): VisionReference {
    const c = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    const v = c.vision_config as Record<string, number>;
    const text = { ...(c.text_config as Record<string, unknown>), tie_word_embeddings: c.tie_word_embeddings === true };
    return new VisionReference(
      { hidden: v.hidden_size, intermediate: v.intermediate_size, layers: v.num_hidden_layers, heads: v.num_attention_heads, imageSize: v.image_size, patchSize: v.patch_size, eps: v.layer_norm_eps },
      c.scale_factor as number,
      c.image_token_id as number,
      readTensors(folder),
      text,
    );
  }

  get imageSeqLen(): number {
    const P = this.vision.imageSize / this.vision.patchSize;
    return (P * P) / this.scaleFactor ** 2;
  }

  private t(name: string): Float64Array {
    const t = this.w.get(name);
    if (!t) throw new Error(`reference: no tensor ${name}`);
    return t.data;
  }

  /** Idefics3VisionTransformer on one [3, S, S] tile: last_hidden_state, [patches][hidden]. */
  visionTower(pixels: Float64Array): Float64Array[] {
    const v = this.vision;
    const S = v.imageSize;
    const p = v.patchSize;
    const P = S / p;
    const E = v.hidden;
    const V = 'model.vision_model';
    const cw = this.t(`${V}.embeddings.patch_embedding.weight`);
    const cb = this.t(`${V}.embeddings.patch_embedding.bias`);
    const pos = this.t(`${V}.embeddings.position_embedding.weight`);
    const ids = this.positionIds(P, P, P);
    let h: Float64Array[] = [];
    // Conv2d(3, E, kernel p, stride p), flatten(2).transpose(1, 2): patch index = row * P + col.
    for (let r = 0; r < P; r++) {
      for (let c = 0; c < P; c++) {
        const e = new Float64Array(E);
        for (let o = 0; o < E; o++) {
          let s = cb[o];
          for (let ch = 0; ch < 3; ch++) {
            for (let ky = 0; ky < p; ky++) {
              for (let kx = 0; kx < p; kx++) s += cw[((o * 3 + ch) * p + ky) * p + kx] * pixels[(ch * S + r * p + ky) * S + c * p + kx];
            }
          }
          e[o] = s + pos[ids[r * P + c] * E + o];
        }
        h.push(e);
      }
    }
    for (let l = 0; l < v.layers; l++) {
      const pre = `${V}.encoder.layers.${l}`;
      const x = h.map((row) => this.layerNorm(row, `${pre}.layer_norm1`));
      const attn = this.attention(x, `${pre}.self_attn`);
      h = h.map((row, i) => add(row, attn[i]));
      const y = h.map((row) => this.layerNorm(row, `${pre}.layer_norm2`));
      h = h.map((row, i) => add(row, this.mlp(y[i], `${pre}.mlp`)));
    }
    return h.map((row) => this.layerNorm(row, `${V}.post_layernorm`));
  }

  /** Idefics3VisionEmbeddings' position ids for an unpadded nbH x nbW grid (torch.bucketize, right=True). */
  private positionIds(nbH: number, nbW: number, perSide: number): number[] {
    const boundaries: number[] = [];
    for (let b = 1 / perSide; b < 1; b += 1 / perSide) boundaries.push(b);
    const bucket = (x: number) => boundaries.filter((b) => b <= x).length;
    const coords = (n: number) => Array.from({ length: n }, (_, i) => i / n).filter((x) => x < 1 - 1e-6);
    const hs = coords(nbH).map(bucket);
    const ws = coords(nbW).map(bucket);
    return hs.flatMap((bh) => ws.map((bw) => bh * perSide + bw));
  }

  /** Idefics3Connector: pixel_shuffle then modality_projection, [image_seq_len][text hidden]. */
  connector(x: Float64Array[]): Float64Array[] {
    const E = this.vision.hidden;
    const s = this.scaleFactor;
    const seq = x.length;
    const h = Math.round(Math.sqrt(seq));
    const w = h;
    let data: Float64Array = new Float64Array(seq * E);
    x.forEach((row, i) => data.set(row, i * E));
    // x.view(1, h, w, E).view(1, h, w / s, E * s) -> permute(0, 2, 1, 3)
    data = permute(data, [1, h, w / s, E * s], [0, 2, 1, 3]);
    // .reshape(1, w / s, h / s, E * s * s) -> permute(0, 2, 1, 3) -> reshape(1, seq / s^2, E * s^2)
    data = permute(data, [1, w / s, h / s, E * s * s], [0, 2, 1, 3]);
    const D = E * s * s;
    const proj = this.t('model.connector.modality_projection.proj.weight');
    const H = proj.length / D;
    return Array.from({ length: seq / (s * s) }, (_, i) => linear(data.subarray(i * D, (i + 1) * D), proj, H));
  }

  /** Image features of all tiles of one image, in tile order. */
  imageFeatures(tiles: Float64Array[]): Float64Array[] {
    return tiles.flatMap((tile) => this.connector(this.visionTower(tile)));
  }

  /** inputs_merger: the embedded prompt with image-token rows replaced by the features, in order. */
  merged(ids: readonly number[], features: Float64Array[]): Float64Array[] {
    const emb = this.text.embed(ids);
    let k = 0;
    const out = ids.map((id, i) => (id === this.imageTokenId ? features[k++] : emb[i]));
    if (k !== features.length) throw new Error(`reference: ${k} image tokens for ${features.length} feature rows`);
    return out;
  }

  logits(ids: readonly number[], features: Float64Array[], pattern?: StreamingPattern): Float64Array[] {
    return this.text.forwardEmbeds(this.merged(ids, features), pattern);
  }

  /** Greedy continuation; generated tokens are embedded as text (never replaced by image features). */
  greedy(ids: readonly number[], features: Float64Array[], n: number, pattern?: StreamingPattern): { ids: number[]; minMargin: number } {
    const seq = this.merged(ids, features);
    const out: number[] = [];
    let minMargin = Infinity;
    while (out.length < n) {
      const logits = this.text.forwardEmbeds(seq, pattern);
      const { best, margin } = top2(logits[logits.length - 1]);
      minMargin = Math.min(minMargin, margin);
      out.push(best);
      seq.push(this.text.embed([best])[0]);
    }
    return { ids: out, minMargin };
  }

  private layerNorm(x: Float64Array, prefix: string): Float64Array {
    const w = this.t(`${prefix}.weight`);
    const b = this.t(`${prefix}.bias`);
    let mean = 0;
    for (const v of x) mean += v;
    mean /= x.length;
    let variance = 0;
    for (const v of x) variance += (v - mean) ** 2;
    variance /= x.length;
    const inv = 1 / Math.sqrt(variance + this.vision.eps);
    return x.map((v, i) => (v - mean) * inv * w[i] + b[i]);
  }

  private biased(x: Float64Array, prefix: string, rows: number): Float64Array {
    const y = linear(x, this.t(`${prefix}.weight`), rows);
    const b = this.t(`${prefix}.bias`);
    return y.map((v, i) => v + b[i]);
  }

  /** SiglipAttention: bidirectional, head_dim^-0.5 scale, no mask for an unpadded tile. */
  private attention(x: Float64Array[], prefix: string): Float64Array[] {
    const E = this.vision.hidden;
    const nh = this.vision.heads;
    const D = E / nh;
    const q = x.map((r) => this.biased(r, `${prefix}.q_proj`, E));
    const k = x.map((r) => this.biased(r, `${prefix}.k_proj`, E));
    const v = x.map((r) => this.biased(r, `${prefix}.v_proj`, E));
    const T = x.length;
    const ctx = Array.from({ length: T }, () => new Float64Array(E));
    for (let hd = 0; hd < nh; hd++) {
      for (let i = 0; i < T; i++) {
        const scores = new Float64Array(T);
        for (let j = 0; j < T; j++) {
          let s = 0;
          for (let d = 0; d < D; d++) s += q[i][hd * D + d] * k[j][hd * D + d];
          scores[j] = s * D ** -0.5;
        }
        const max = Math.max(...scores);
        let sum = 0;
        for (let j = 0; j < T; j++) sum += Math.exp(scores[j] - max);
        for (let j = 0; j < T; j++) {
          const pj = Math.exp(scores[j] - max) / sum;
          for (let d = 0; d < D; d++) ctx[i][hd * D + d] += pj * v[j][hd * D + d];
        }
      }
    }
    return ctx.map((c) => this.biased(c, `${prefix}.out_proj`, E));
  }

  private mlp(x: Float64Array, prefix: string): Float64Array {
    const a = this.biased(x, `${prefix}.fc1`, this.vision.intermediate);
    // gelu_pytorch_tanh
    const g = a.map((u) => 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u ** 3))));
    return this.biased(g, `${prefix}.fc2`, this.vision.hidden);
  }
}

/** torch.permute(...).contiguous() of a row-major array of `shape`. */
export function permute(data: Float64Array, shape: number[], perm: number[]): Float64Array {
  const n = shape.length;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((p) => shape[p]);
  const out = new Float64Array(data.length);
  const idx = new Array<number>(n).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < n; d++) src += idx[d] * strides[perm[d]];
    out[o] = data[src];
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
