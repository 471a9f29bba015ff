/**
 * The architecture of a Hugging Face causal LM folder, read from its config.json and checked
 * against what the graph builder can reproduce exactly. Anything else is refused by name, so a
 * user never gets a model that loads but answers garbage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WukongError } from '../errors.js';

export type ModelType = 'llama' | 'qwen2' | 'qwen3';

export type RopeScaling =
  | { kind: 'default' }
  | { kind: 'linear'; factor: number }
  | { kind: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number };

export interface DecoderConfig {
  modelType: ModelType;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositions: number;
  rmsEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  tiedEmbeddings: boolean;
  /** Qwen2: q/k/v projections carry biases. */
  qkvBias: boolean;
  /** Qwen3: RMSNorm over each head of q and k before rotary. */
  qkNorm: boolean;
  bosTokenId?: number;
  eosTokenIds: number[];
}

const SUPPORTED = ['llama', 'qwen2', 'qwen3'];

type Raw = Record<string, unknown>;

export function readDecoderConfig(folder: string): DecoderConfig {
  let raw: Raw;
  try {
    raw = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Raw;
  } catch (err) {
    throw new WukongError('MODEL_INVALID', `${folder} has no readable config.json.`, String(err));
  }
  return parseDecoderConfig(raw);
}

export function parseDecoderConfig(raw: Raw): DecoderConfig {
  const modelType = String(raw.model_type ?? '');
  if (!SUPPORTED.includes(modelType)) {
    throw unsupported(`model_type "${modelType || '(none)'}" (supported: ${SUPPORTED.join(', ')})`);
  }
  const act = raw.hidden_act ?? raw.hidden_activation ?? 'silu';
  if (act !== 'silu') throw unsupported(`hidden_act "${String(act)}" (only silu)`);
  if (raw.attention_bias === true && modelType === 'llama') throw unsupported('attention_bias in a llama model');
  if (raw.mlp_bias === true) throw unsupported('mlp_bias');
  const hiddenSize = int(raw, 'hidden_size');
  const heads = int(raw, 'num_attention_heads');
  const kvHeads = raw.num_key_value_heads === undefined || raw.num_key_value_heads === null ? heads : int(raw, 'num_key_value_heads');
  if (heads % kvHeads !== 0) throw unsupported(`${heads} attention heads over ${kvHeads} key/value heads`);
  const headDim = raw.head_dim === undefined || raw.head_dim === null ? hiddenSize / heads : int(raw, 'head_dim');
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) throw unsupported(`head size ${headDim}`);
  if (modelType !== 'llama' && raw.use_sliding_window === true) throw unsupported('sliding-window attention');
  const eos = raw.eos_token_id;
  return {
    modelType: modelType as ModelType,
    hiddenSize,
    intermediateSize: int(raw, 'intermediate_size'),
    layers: int(raw, 'num_hidden_layers'),
    heads,
    kvHeads,
    headDim,
    vocabSize: int(raw, 'vocab_size'),
    maxPositions: typeof raw.max_position_embeddings === 'number' ? raw.max_position_embeddings : 4096,
    rmsEps: typeof raw.rms_norm_eps === 'number' ? raw.rms_norm_eps : 1e-6,
    ropeTheta: typeof raw.rope_theta === 'number' ? raw.rope_theta : 10000,
    ropeScaling: parseRopeScaling(raw.rope_scaling),
    // LlamaConfig, Qwen2Config and Qwen3Config all default to untied; the builder still falls back
    // to the embeddings when a checkpoint has no lm_head.weight.
    tiedEmbeddings: raw.tie_word_embeddings === true,
    qkvBias: modelType === 'qwen2' || raw.attention_bias === true,
    qkNorm: modelType === 'qwen3',
    bosTokenId: typeof raw.bos_token_id === 'number' ? raw.bos_token_id : undefined,
    eosTokenIds: Array.isArray(eos) ? eos.filter((x): x is number => typeof x === 'number') : typeof eos === 'number' ? [eos] : [],
  };
}

function parseRopeScaling(value: unknown): RopeScaling {
  if (value === null || value === undefined) return { kind: 'default' };
  const r = value as Raw;
  const type = String(r.rope_type ?? r.type ?? 'default');
  const factor = typeof r.factor === 'number' ? r.factor : NaN;
  if (type === 'default') return { kind: 'default' };
  if (type === 'linear' && factor > 0) return { kind: 'linear', factor };
  if (type === 'llama3' && factor > 0) {
    return {
      kind: 'llama3',
      factor,
      lowFreqFactor: num(r, 'low_freq_factor'),
      highFreqFactor: num(r, 'high_freq_factor'),
      originalMaxPositions: num(r, 'original_max_position_embeddings'),
    };
  }
  throw unsupported(`rope_scaling "${type}"`);
}

/**
 * Rotary inverse frequencies, as transformers computes them for each scaling type (float64
 * here; the graph stores them as float32, as transformers does).
 */
export function ropeInverseFrequencies(c: DecoderConfig): Float64Array {
  const half = c.headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(c.ropeTheta, (2 * i) / c.headDim);
  const s = c.ropeScaling;
  if (s.kind === 'linear') for (let i = 0; i < half; i++) inv[i] /= s.factor;
  if (s.kind === 'llama3') {
    const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositions / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] /= s.factor;
      else if (wavelen >= highWavelen) {
        const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
      }
    }
  }
  return inv;
}

function int(raw: Raw, key: string): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new WukongError('MODEL_INVALID', `config.json: "${key}" is missing or not a positive whole number.`);
  }
  return v;
}

function num(raw: Raw, key: string): number {
  const v = raw[key];
  if (typeof v !== 'number') throw new WukongError('MODEL_INVALID', `config.json: rope_scaling needs "${key}".`);
  return v;
}

function unsupported(what: string): WukongError {
  return new WukongError('MODEL_INVALID', `This model is not supported: ${what}.`);
}
