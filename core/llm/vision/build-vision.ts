/**
 * Builds the graphs of an Idefics3 / SmolVLM folder from its safetensors weights:
 *
 *   vision   pixel_values [N,3,S,S] float (N tiles of image_size S, already normalised)
 *            -> image_features [N, image_seq_len, text_hidden] float
 *            SigLIP tower (Idefics3VisionTransformer): patch Conv (stride = patch), + position
 *            embeddings, pre-norm encoder layers (LayerNorm with bias, biased q/k/v/out, fc1 ->
 *            gelu_pytorch_tanh -> fc2), post_layernorm; then Idefics3Connector: pixel shuffle by
 *            scale_factor and modality_projection.proj (no bias).
 *   embed    input_ids [1,T] int64 -> inputs_embeds [1,T,H] float (model.text_model.embed_tokens)
 *   decoder  the project's Llama decoder graph (build-decoder.ts) with `inputsEmbeds`, over the
 *            model.text_model.* tensors and lm_head.weight.
 *
 * Every tile is a full S x S image (the processor pads none in a batch of one image), so each
 * patch's position id is its index: Idefics3VisionEmbeddings' bucketing is the identity then.
 */
import { writeFileSync } from 'node:fs';
import type { Precision } from '../../api.js';
import { WukongError } from '../../errors.js';
import { buildDecoderGraph } from '../build-decoder.js';
import type { DuoPattern } from '../duo-pattern.js';
import { DT, GraphWriter } from '../onnx/graph.js';
import { quantizeRows } from '../quantize.js';
import { floatToHalf, type Checkpoint } from '../safetensors.js';
import type { Idefics3Config } from './config.js';

export interface VisionBuildOptions {
  precision: Precision;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

const V = 'model.vision_model';

/** The text decoder's tensors under the names of a Llama checkpoint. */
export function textCheckpoint(ck: Checkpoint): Checkpoint {
  return ck.renamed((name) => {
    if (name.startsWith('model.text_model.')) return `model.${name.slice('model.text_model.'.length)}`;
    if (name.startsWith('model.')) return undefined;
    return name;
  });
}

export function buildVisionGraph(ck: Checkpoint, c: Idefics3Config, onnxPath: string, dataPath: string, opts: VisionBuildOptions): void {
  const g = new GraphWriter(dataPath);
  let bytes: Uint8Array;
  try {
    bytes = new VisionBuilder(g, ck, c, opts).build();
  } catch (err) {
    g.close();
    throw err;
  }
  writeFileSync(onnxPath, bytes);
}

/** input_ids [1,T] -> inputs_embeds [1,T,H]; fp32 keeps the table in float32, every other precision in float16. */
export function buildEmbedGraph(ck: Checkpoint, c: Idefics3Config, onnxPath: string, dataPath: string, precision: Precision): void {
  const g = new GraphWriter(dataPath);
  try {
    const { vocabSize: n, hiddenSize: h } = c.text;
    const w = ck.read('model.text_model.embed_tokens.weight', [n, h]);
    const ids = g.input('input_ids', DT.INT64, [1, 'seq']);
    const out =
      precision === 'fp32'
        ? g.op('Gather', [g.initializer('embed_tokens', DT.FLOAT, [n, h], w), ids], { axis: 0 })
        : g.op('Cast', [g.op('Gather', [g.initializer('embed_tokens_f16', DT.FLOAT16, [n, h], toHalf(w)), ids], { axis: 0 })], { to: DT.FLOAT });
    g.node('Identity', [out], { outputs: ['inputs_embeds'] });
    g.output('inputs_embeds', DT.FLOAT, [1, 'seq', h]);
    writeFileSync(onnxPath, g.finish({ opset: 17, producer: 'wukong-reader', doc: JSON.stringify({ precision }) }));
  } catch (err) {
    g.close();
    throw err;
  }
}

/** The text decoder of the folder, taking inputs_embeds. */
export function buildTextDecoderGraph(
  ck: Checkpoint,
  c: Idefics3Config,
  onnxPath: string,
  dataPath: string,
  opts: { precision: Precision; pattern: DuoPattern; accuracyLevel?: 0 | 4; onProgress?: (done: number, total: number) => void; shouldStop?: () => boolean },
): void {
  buildDecoderGraph(textCheckpoint(ck), c.text, onnxPath, dataPath, { ...opts, inputsEmbeds: true });
}

class VisionBuilder {
  private readonly quantBits: 0 | 4 | 8;
  private done = 0;

  constructor(
    private readonly g: GraphWriter,
    private readonly ck: Checkpoint,
    private readonly c: Idefics3Config,
    private readonly opts: VisionBuildOptions,
  ) {
    this.quantBits = opts.precision === 'int4' ? 4 : opts.precision === 'int8' ? 8 : 0;
  }

  private tick(): void {
    this.done++;
    this.opts.onProgress?.(this.done, this.c.vision.layers + 2);
    if (this.opts.shouldStop?.()) throw new WukongError('CANCELLED');
  }

  build(): Uint8Array {
    const { g } = this;
    const v = this.c.vision;
    const E = v.hiddenSize;
    const P = v.patchesPerSide;
    const N = P * P;
    const pixels = g.input('pixel_values', DT.FLOAT, ['tiles', v.channels, v.imageSize, v.imageSize]);
    // Patch embedding: a Conv with kernel = stride = patch size, then [tiles, E, P, P] -> [tiles, P*P, E].
    const convW = this.floatInit('patch_embedding', [E, v.channels, v.patchSize, v.patchSize], this.ck.read(`${V}.embeddings.patch_embedding.weight`, [E, v.channels, v.patchSize, v.patchSize]));
    const convB = g.initializer('patch_embedding_bias', DT.FLOAT, [E], this.ck.read(`${V}.embeddings.patch_embedding.bias`, [E]));
    const conv = g.op('Conv', [pixels, convW, convB], { kernel_shape: [v.patchSize, v.patchSize], strides: [v.patchSize, v.patchSize] });
    const flat = g.op('Transpose', [g.op('Reshape', [conv, g.constInt64([0, E, N])])], { perm: [0, 2, 1] });
    const posTable = this.ck.read(`${V}.embeddings.position_embedding.weight`);
    const posShape = this.ck.shape(`${V}.embeddings.position_embedding.weight`);
    if (posShape[0] !== N || posShape[1] !== E) {
      throw new WukongError('MODEL_INVALID', `Tensor ${V}.embeddings.position_embedding.weight has shape [${posShape}] where [${N},${E}] was expected.`);
    }
    let h = g.op('Add', [flat, this.floatInit('position_embedding', [1, N, E], posTable)]);
    this.tick();
    for (let l = 0; l < v.layers; l++) {
      const p = `${V}.encoder.layers.${l}`;
      const x = this.layerNorm(h, `${p}.layer_norm1`);
      h = g.op('Add', [h, this.attention(l, x)]);
      const y = this.layerNorm(h, `${p}.layer_norm2`);
      h = g.op('Add', [h, this.mlp(l, y)]);
      this.tick();
    }
    h = this.layerNorm(h, `${V}.post_layernorm`);
    // Connector. Token (r, c) of the P x P grid moves to output token (r / s, c / s), feature block
    // (r % s) * s + (c % s): [t, P, P, E] -> [t, P/s, s, P/s, s, E] -> [t, P/s, P/s, s, s, E].
    const s = this.c.scaleFactor;
    const Q = P / s;
    const grid = g.op('Reshape', [h, g.constInt64([-1, Q, s, Q, s, E])]);
    const shuffled = g.op('Reshape', [g.op('Transpose', [grid], { perm: [0, 1, 3, 2, 4, 5] }), g.constInt64([-1, Q * Q, s * s * E])]);
    const H = this.c.text.hiddenSize;
    const proj = this.ck.read('model.connector.modality_projection.proj.weight', [H, s * s * E]);
    const features = this.linear(shuffled, proj, H, s * s * E, 'connector');
    g.node('Identity', [features], { outputs: ['image_features'] });
    g.output('image_features', DT.FLOAT, ['tiles', this.c.imageSeqLen, H]);
    this.tick();
    return g.finish({ opset: 17, msOpset: 1, producer: 'wukong-reader', doc: JSON.stringify({ precision: this.opts.precision, graph: 'idefics3-vision' }) });
  }

  private layerNorm(x: string, prefix: string): string {
    const E = this.c.vision.hiddenSize;
    const w = this.g.initializer(`${prefix}.weight`, DT.FLOAT, [E], this.ck.read(`${prefix}.weight`, [E]));
    const b = this.g.initializer(`${prefix}.bias`, DT.FLOAT, [E], this.ck.read(`${prefix}.bias`, [E]));
    return this.g.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: { float: this.c.vision.layerNormEps } });
  }

  private attention(l: number, x: string): string {
    const { g } = this;
    const v = this.c.vision;
    const E = v.hiddenSize;
    const p = `${V}.encoder.layers.${l}.self_attn`;
    const fused = new Float32Array(3 * E * E);
    const bias = new Float32Array(3 * E);
    (['q_proj', 'k_proj', 'v_proj'] as const).forEach((name, i) => {
      fused.set(this.ck.read(`${p}.${name}.weight`, [E, E]), i * E * E);
      bias.set(this.ck.read(`${p}.${name}.bias`, [E]), i * E);
    });
    const qkv = g.op('Add', [this.linear(x, fused, 3 * E, E, `v${l}_qkv`), g.initializer(`v${l}_qkv_bias`, DT.FLOAT, [3 * E], bias)]);
    // [t, T, 3E] -> [3, t, heads, T, D]
    const heads = g.op('Transpose', [g.op('Reshape', [qkv, g.constInt64([0, 0, 3, v.heads, v.headDim])])], { perm: [2, 0, 3, 1, 4] });
    const [q, k, val] = g.node('Split', [heads, g.constInt64([1, 1, 1])], { outputs: 3, attrs: { axis: 0 } }).map((t) => g.op('Squeeze', [t, g.constInt64([0])]));
    const scaled = g.op('Mul', [q, g.constFloat([1 / Math.sqrt(v.headDim)], [])]);
    const scores = g.op('MatMul', [scaled, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), val]);
    const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), g.constInt64([0, 0, E])]);
    const out = this.linear(merged, this.ck.read(`${p}.out_proj.weight`, [E, E]), E, E, `v${l}_out`);
    return g.op('Add', [out, g.initializer(`v${l}_out_bias`, DT.FLOAT, [E], this.ck.read(`${p}.out_proj.bias`, [E]))]);
  }

  private mlp(l: number, x: string): string {
    const { g } = this;
    const { hiddenSize: E, intermediateSize: I } = this.c.vision;
    const p = `${V}.encoder.layers.${l}.mlp`;
    const a = g.op('Add', [this.linear(x, this.ck.read(`${p}.fc1.weight`, [I, E]), I, E, `v${l}_fc1`), g.initializer(`v${l}_fc1_bias`, DT.FLOAT, [I], this.ck.read(`${p}.fc1.bias`, [I]))]);
    // gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    const cube = g.op('Mul', [g.op('Mul', [a, a]), a]);
    const inner = g.op('Mul', [g.op('Add', [a, g.op('Mul', [cube, g.constFloat([0.044715], [])])]), g.constFloat([Math.sqrt(2 / Math.PI)], [])]);
    const act = g.op('Mul', [g.op('Mul', [a, g.constFloat([0.5], [])]), g.op('Add', [g.op('Tanh', [inner]), g.constFloat([1], [])])]);
    const down = this.linear(act, this.ck.read(`${p}.fc2.weight`, [E, I]), E, I, `v${l}_fc2`);
    return g.op('Add', [down, g.initializer(`v${l}_fc2_bias`, DT.FLOAT, [E], this.ck.read(`${p}.fc2.bias`, [E]))]);
  }

  /** A float initializer in the build's float storage type (float16 for every precision but fp32), as float32. */
  private floatInit(name: string, dims: number[], data: Float32Array): string {
    if (this.opts.precision === 'fp32') return this.g.initializer(name, DT.FLOAT, dims, data);
    return this.g.op('Cast', [this.g.initializer(`${name}_f16`, DT.FLOAT16, dims, toHalf(data))], { to: DT.FLOAT });
  }

  /** y = x W^T for a torch-layout [N, K] weight, in the build's precision. */
  private linear(x: string, w: Float32Array, N: number, K: number, name: string): string {
    const { g } = this;
    if (this.quantBits) {
      const q = quantizeRows(w, N, K, this.quantBits, 32);
      const B = g.initializer(`${name}_q${q.bits}`, DT.UINT8, [N, q.blocksPerRow, (q.blockSize * q.bits) / 8], q.data);
      const scales = g.initializer(`${name}_scales`, DT.FLOAT, [N * q.blocksPerRow], q.scales);
      const zp = g.initializer(`${name}_zp`, DT.UINT8, [q.zeroPoints.length], q.zeroPoints);
      return g.op('MatMulNBits', [x, B, scales, zp], { K, N, bits: q.bits, block_size: q.blockSize, accuracy_level: 4 }, 'com.microsoft');
    }
    const t = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) t[k * N + n] = w[n * K + k];
    return g.op('MatMul', [x, this.floatInit(name, [K, N], t)]);
  }
}

function toHalf(w: Float32Array): Uint16Array {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = floatToHalf(w[i]);
  return out;
}
