/**
 * Tiny random Hugging Face causal-LM folders (config.json + safetensors) for checking the graph
 * builder against test/llm/reference-model.ts. The safetensors writer and reader here are our own,
 * not core/llm's, so a mistake in core's reader cannot hide behind the same mistake in the test.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export type StoredDtype = 'F32' | 'F16' | 'BF16';
/** Dtypes the builder must refuse; written only to check that it does. */
export type ForeignDtype = 'I8' | 'F64';

export interface TinySpec {
  modelType: 'llama' | 'qwen2' | 'qwen3';
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  /** Written to config.json only when set (Qwen3 sets it apart from hidden / heads). */
  headDim?: number;
  vocab: number;
  dtype: StoredDtype;
  /** Number of safetensors shards; 1 writes a single model.safetensors. */
  shards: number;
  /** tie_word_embeddings; undefined leaves the key out of config.json. */
  tied: boolean | undefined;
  /** Write an lm_head.weight even when tied (HF ignores it then). */
  lmHead?: boolean;
  ropeTheta: number;
  ropeScaling?: Record<string, unknown>;
  rmsEps: number;
  qkvBias: boolean;
  qkNorm: boolean;
  seed: number;
  /** Standard deviation of the projection weights. */
  scale: number;
  /** Merged into config.json last, to write configs the builder must refuse. */
  configPatch?: Record<string, unknown>;
  /** Tensors left out of the checkpoint. */
  drop?: string[];
  /** Tensors written in a dtype the builder does not read. */
  foreign?: Record<string, ForeignDtype>;
}

/** A 2-layer GQA Llama (hidden 48, 4 heads over 2 kv heads, vocab 300) that the variants start from. */
export const TINY_LLAMA: TinySpec = {
  modelType: 'llama',
  hidden: 48,
  intermediate: 96,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  vocab: 300,
  dtype: 'F32',
  shards: 1,
  tied: true,
  ropeTheta: 10000,
  rmsEps: 1e-5,
  qkvBias: false,
  qkNorm: false,
  seed: 1,
  scale: 0.1,
};

export interface TensorSpec {
  name: string;
  shape: number[];
  data: Float64Array;
}

/** mulberry32 + Box-Muller: the same folder for the same seed on every machine. */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function headDimOf(s: TinySpec): number {
  return s.headDim ?? s.hidden / s.heads;
}

/** Every tensor of the model, in float64, before storage rounding. */
export function randomTensors(s: TinySpec): TensorSpec[] {
  const rnd = gaussian(s.seed);
  const D = headDimOf(s);
  const out: TensorSpec[] = [];
  const add = (name: string, shape: number[], f: () => number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    out.push({ name, shape, data: Float64Array.from({ length: n }, f) });
  };
  const normal = (sd: number) => () => sd * rnd();
  // Norm weights near 1 but not 1, so a norm that ignores its weight shows.
  const norm = () => 1 + 0.2 * rnd();
  add('model.embed_tokens.weight', [s.vocab, s.hidden], normal(0.5));
  for (let l = 0; l < s.layers; l++) {
    const p = `model.layers.${l}`;
    add(`${p}.input_layernorm.weight`, [s.hidden], norm);
    add(`${p}.post_attention_layernorm.weight`, [s.hidden], norm);
    // Larger q/k weights make attention depend on position, so RoPE mistakes show in the logits.
    add(`${p}.self_attn.q_proj.weight`, [s.heads * D, s.hidden], normal(2.5 * s.scale));
    add(`${p}.self_attn.k_proj.weight`, [s.kvHeads * D, s.hidden], normal(2.5 * s.scale));
    add(`${p}.self_attn.v_proj.weight`, [s.kvHeads * D, s.hidden], normal(s.scale));
    add(`${p}.self_attn.o_proj.weight`, [s.hidden, s.heads * D], normal(s.scale));
    if (s.qkvBias) {
      add(`${p}.self_attn.q_proj.bias`, [s.heads * D], normal(0.5));
      add(`${p}.self_attn.k_proj.bias`, [s.kvHeads * D], normal(0.5));
      add(`${p}.self_attn.v_proj.bias`, [s.kvHeads * D], normal(0.5));
    }
    if (s.qkNorm) {
      add(`${p}.self_attn.q_norm.weight`, [D], norm);
      add(`${p}.self_attn.k_norm.weight`, [D], norm);
    }
    add(`${p}.mlp.gate_proj.weight`, [s.intermediate, s.hidden], normal(s.scale));
    add(`${p}.mlp.up_proj.weight`, [s.intermediate, s.hidden], normal(s.scale));
    add(`${p}.mlp.down_proj.weight`, [s.hidden, s.intermediate], normal(s.scale));
  }
  add('model.norm.weight', [s.hidden], norm);
  if (s.tied !== true || s.lmHead) add('lm_head.weight', [s.vocab, s.hidden], normal(0.5));
  return out;
}

export function configJson(s: TinySpec): Record<string, unknown> {
  const arch = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', qwen3: 'Qwen3ForCausalLM' }[s.modelType];
  const c: Record<string, unknown> = {
    architectures: [arch],
    model_type: s.modelType,
    hidden_size: s.hidden,
    intermediate_size: s.intermediate,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    vocab_size: s.vocab,
    max_position_embeddings: 512,
    rms_norm_eps: s.rmsEps,
    rope_theta: s.ropeTheta,
    rope_scaling: s.ropeScaling ?? null,
    hidden_act: 'silu',
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[s.dtype],
  };
  if (s.tied !== undefined) c.tie_word_embeddings = s.tied;
  if (s.headDim !== undefined) c.head_dim = s.headDim;
  if (s.modelType === 'llama') {
    c.attention_bias = false;
    c.mlp_bias = false;
  }
  if (s.modelType === 'qwen3') c.attention_bias = false;
  if (s.modelType !== 'llama') {
    c.use_sliding_window = false;
    c.sliding_window = 4096;
    c.max_window_layers = s.layers;
  }
  return { ...c, ...s.configPatch };
}

/** Writes the folder and returns it. */
export function writeTinyModel(folder: string, s: TinySpec): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(configJson(s), null, 1));
  const tensors = randomTensors(s).filter((t) => !s.drop?.includes(t.name));
  if (s.shards === 1) {
    writeSafetensors(join(folder, 'model.safetensors'), tensors, (t) => s.foreign?.[t.name] ?? s.dtype);
    return folder;
  }
  const files = Array.from({ length: s.shards }, (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(s.shards).padStart(5, '0')}.safetensors`);
  // Round-robin, so each shard holds parts of several layers, as real shards cut mid-model.
  const weightMap: Record<string, string> = {};
  let total = 0;
  files.forEach((file, i) => {
    const mine = tensors.filter((_, k) => k % s.shards === i);
    for (const t of mine) {
      weightMap[t.name] = file;
      total += t.data.length * BYTES[s.dtype];
    }
    writeSafetensors(join(folder, file), mine, (t) => s.foreign?.[t.name] ?? s.dtype);
  });
  writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 1));
  return folder;
}

const BYTES: Record<StoredDtype | ForeignDtype, number> = { F32: 4, F16: 2, BF16: 2, I8: 1, F64: 8 };

export function writeSafetensors(path: string, tensors: TensorSpec[], dtypeOf: (t: TensorSpec) => StoredDtype | ForeignDtype): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = dtypeOf(t);
    const blob = encode(t.data, dtype);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + blob.length] };
    blobs.push(blob);
    offset += blob.length;
  }
  let json = JSON.stringify(header);
  // The format pads the header with spaces to a multiple of 8, so the data stays aligned.
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  writeFileSync(path, Buffer.concat([len, head, ...blobs]));
}

function encode(data: Float64Array, dtype: StoredDtype | ForeignDtype): Buffer {
  const b = Buffer.alloc(data.length * BYTES[dtype]);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (dtype === 'F32') b.writeFloatLE(v, 4 * i);
    else if (dtype === 'F64') b.writeDoubleLE(v, 8 * i);
    else if (dtype === 'I8') b.writeInt8(Math.max(-128, Math.min(127, Math.round(v * 64))), i);
    else if (dtype === 'F16') b.writeUInt16LE(halfBits(v), 2 * i);
    else b.writeUInt16LE(bfloat16Bits(v), 2 * i);
  }
  return b;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** IEEE binary16, round to nearest even, from the float64 value (no float32 step). */
export function halfBits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (Number.isNaN(v)) return 0x7e00;
  if (a >= 65520) return sign | 0x7c00;
  // Subnormals count in units of 2^-24; a carry to 1024 is exactly the smallest normal.
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  // A mantissa carry to 1024 rolls correctly into the exponent field.
  return sign | (((e + 15) << 10) + roundHalfEven((a / 2 ** e - 1) * 1024));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bfloat16: float32 bits rounded to nearest even at bit 16 (as torch's .to(bfloat16)). */
export function bfloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export function bfloat16Value(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** All tensors of a folder (single file or index of shards) as float64, for the reference. */
export function readTensors(folder: string): Map<string, TensorSpec> {
  const index = join(folder, 'model.safetensors.index.json');
  const files = existsSync(index)
    ? [...new Set(Object.values((JSON.parse(readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map))]
    : ['model.safetensors'];
  const out = new Map<string, TensorSpec>();
  for (const f of files) {
    const buf = readFileSync(join(folder, f));
    const len = Number(buf.readBigUInt64LE(0));
    const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    for (const [name, t] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const base = 8 + len + t.data_offsets[0];
      const n = t.shape.reduce((a, b) => a * b, 1);
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (t.dtype === 'F32') data[i] = buf.readFloatLE(base + 4 * i);
        else if (t.dtype === 'F16') data[i] = halfValue(buf.readUInt16LE(base + 2 * i));
        else if (t.dtype === 'BF16') data[i] = bfloat16Value(buf.readUInt16LE(base + 2 * i));
        else throw new Error(`the reference reads F32, F16 and BF16, not ${t.dtype}`);
      }
      out.set(name, { name, shape: t.shape, data });
    }
  }
  return out;
}
