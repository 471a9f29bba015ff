/**
 * Random-weight model folders at the shapes of real models, for speed and memory figures (cost
 * does not depend on weight values; the text such a model writes means nothing).
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Shape {
  id: string;
  config: Record<string, unknown>;
}

export const SHAPES: Record<string, Shape> = {
  'qwen2.5-0.5b': {
    id: 'qwen2.5-0.5b',
    config: {
      model_type: 'qwen2', hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14,
      num_key_value_heads: 2, vocab_size: 151936, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000,
      tie_word_embeddings: true, hidden_act: 'silu', eos_token_id: 151645, torch_dtype: 'bfloat16',
    },
  },
  'smollm2-360m': {
    id: 'smollm2-360m',
    config: {
      model_type: 'llama', hidden_size: 960, intermediate_size: 2560, num_hidden_layers: 32, num_attention_heads: 15,
      num_key_value_heads: 5, vocab_size: 49152, max_position_embeddings: 8192, rms_norm_eps: 1e-5, rope_theta: 100000,
      tie_word_embeddings: true, hidden_act: 'silu', eos_token_id: 2, torch_dtype: 'bfloat16',
    },
  },
};

export function tensors(c: Record<string, number | boolean | string>): [string, number[]][] {
  const H = c.hidden_size as number;
  const I = c.intermediate_size as number;
  const D = H / (c.num_attention_heads as number);
  const q = (c.num_attention_heads as number) * D;
  const kv = (c.num_key_value_heads as number) * D;
  const out: [string, number[]][] = [['model.embed_tokens.weight', [c.vocab_size as number, H]]];
  for (let l = 0; l < (c.num_hidden_layers as number); l++) {
    const p = `model.layers.${l}`;
    out.push([`${p}.input_layernorm.weight`, [H]], [`${p}.post_attention_layernorm.weight`, [H]]);
    out.push([`${p}.self_attn.q_proj.weight`, [q, H]], [`${p}.self_attn.k_proj.weight`, [kv, H]], [`${p}.self_attn.v_proj.weight`, [kv, H]], [`${p}.self_attn.o_proj.weight`, [H, q]]);
    if (c.model_type === 'qwen2') out.push([`${p}.self_attn.q_proj.bias`, [q]], [`${p}.self_attn.k_proj.bias`, [kv]], [`${p}.self_attn.v_proj.bias`, [kv]]);
    out.push([`${p}.mlp.gate_proj.weight`, [I, H]], [`${p}.mlp.up_proj.weight`, [I, H]], [`${p}.mlp.down_proj.weight`, [H, I]]);
  }
  out.push(['model.norm.weight', [H]]);
  return out;
}

/** Writes (once) a bf16 safetensors folder of the shape, with small random weights and unit norms. */
export function randomModel(dir: string, shape: Shape, tokenizerFolder: string): string {
  const folder = join(dir, shape.id);
  if (existsSync(join(folder, 'model.safetensors'))) return folder;
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(shape.config, null, 1));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerFolder, f), join(folder, f));
  writeRandomBf16(join(folder, 'model.safetensors'), tensors(shape.config as Record<string, number | boolean | string>));
  return folder;
}

/** A bf16 safetensors file of small random weights (norm weights 1), written under a temporary name and renamed into place. */
export function writeRandomBf16(file: string, list: [string, number[]][]): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, dims] of list) {
    const bytes = dims.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'BF16', shape: dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let head = Buffer.from(JSON.stringify(header));
  head = Buffer.concat([head, Buffer.alloc((8 - (head.length % 8)) % 8, 0x20)]);
  const fd = openSync(`${file}.tmp`, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  writeSync(fd, len);
  writeSync(fd, head);
  let s = 0x9e3779b9;
  for (const [name, dims] of list) {
    const n = dims.reduce((a, b) => a * b, 1);
    const buf = Buffer.alloc(n * 2);
    const isNorm = name.endsWith('norm.weight');
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      f32[0] = isNorm ? 1 : ((s >>> 0) / 4294967296 - 0.5) * 0.06;
      buf.writeUInt16LE(u32[0] >>> 16, i * 2);
    }
    writeSync(fd, buf);
  }
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
}
