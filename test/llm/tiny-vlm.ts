/**
 * Tiny random Idefics3 (SmolVLM layout) folders: config.json with vision_config / text_config,
 * preprocessor_config.json and model.safetensors under transformers' Idefics3ForConditionalGeneration
 * names (model.vision_model.*, model.connector.modality_projection.proj.weight, model.text_model.*,
 * lm_head.weight). The text part is tiny-models.ts's Llama with its names moved under model.text_model.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJson, gaussian, randomTensors, writeSafetensors, type StoredDtype, type TensorSpec, type TinySpec } from './tiny-models.js';

export interface TinyVlmSpec {
  text: TinySpec;
  vision: { hidden: number; intermediate: number; layers: number; heads: number; imageSize: number; patchSize: number; eps: number };
  scaleFactor: number;
  imageTokenId: number;
  /** Top-level tie_word_embeddings. */
  tied: boolean;
  processor: Record<string, unknown>;
  dtype: StoredDtype;
  seed: number;
}

export function vlmTensors(s: TinyVlmSpec): TensorSpec[] {
  const rnd = gaussian(s.seed);
  const out: TensorSpec[] = [];
  const add = (name: string, shape: number[], f: () => number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    out.push({ name, shape, data: Float64Array.from({ length: n }, f) });
  };
  const normal = (sd: number) => () => sd * rnd();
  const near1 = () => 1 + 0.2 * rnd();
  const v = s.vision;
  const E = v.hidden;
  const P = v.imageSize / v.patchSize;
  const V = 'model.vision_model';
  add(`${V}.embeddings.patch_embedding.weight`, [E, 3, v.patchSize, v.patchSize], normal(0.15));
  add(`${V}.embeddings.patch_embedding.bias`, [E], normal(0.3));
  add(`${V}.embeddings.position_embedding.weight`, [P * P, E], normal(0.5));
  for (let l = 0; l < v.layers; l++) {
    const p = `${V}.encoder.layers.${l}`;
    for (const ln of ['layer_norm1', 'layer_norm2']) {
      add(`${p}.${ln}.weight`, [E], near1);
      add(`${p}.${ln}.bias`, [E], normal(0.2));
    }
    // Larger q/k so attention is far from uniform and a wrong head split or scale shows.
    for (const [name, sd] of [['q_proj', 0.5], ['k_proj', 0.5], ['v_proj', 0.2], ['out_proj', 0.2]] as const) {
      add(`${p}.self_attn.${name}.weight`, [E, E], normal(sd));
      add(`${p}.self_attn.${name}.bias`, [E], normal(0.2));
    }
    add(`${p}.mlp.fc1.weight`, [v.intermediate, E], normal(0.3));
    add(`${p}.mlp.fc1.bias`, [v.intermediate], normal(0.3));
    add(`${p}.mlp.fc2.weight`, [E, v.intermediate], normal(0.15));
    add(`${p}.mlp.fc2.bias`, [E], normal(0.2));
  }
  add(`${V}.post_layernorm.weight`, [E], near1);
  add(`${V}.post_layernorm.bias`, [E], normal(0.2));
  add('model.connector.modality_projection.proj.weight', [s.text.hidden, E * s.scaleFactor ** 2], normal(0.1));
  for (const t of randomTensors({ ...s.text, tied: s.tied })) {
    out.push({ ...t, name: t.name.startsWith('model.') ? `model.text_model.${t.name.slice('model.'.length)}` : t.name });
  }
  return out;
}

export function vlmConfig(s: TinyVlmSpec): Record<string, unknown> {
  const text = configJson({ ...s.text, tied: undefined });
  delete text.architectures;
  delete text.torch_dtype;
  return {
    architectures: ['Idefics3ForConditionalGeneration'],
    model_type: 'idefics3',
    image_token_id: s.imageTokenId,
    scale_factor: s.scaleFactor,
    tie_word_embeddings: s.tied,
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[s.dtype],
    text_config: text,
    vision_config: {
      model_type: 'idefics3_vision',
      hidden_size: s.vision.hidden,
      intermediate_size: s.vision.intermediate,
      num_hidden_layers: s.vision.layers,
      num_attention_heads: s.vision.heads,
      image_size: s.vision.imageSize,
      patch_size: s.vision.patchSize,
      hidden_act: 'gelu_pytorch_tanh',
      layer_norm_eps: s.vision.eps,
      num_channels: 3,
    },
  };
}

export function writeTinyVlm(folder: string, s: TinyVlmSpec): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(vlmConfig(s), null, 1));
  writeFileSync(join(folder, 'preprocessor_config.json'), JSON.stringify(s.processor, null, 1));
  writeSafetensors(join(folder, 'model.safetensors'), vlmTensors(s), () => s.dtype);
  return folder;
}
