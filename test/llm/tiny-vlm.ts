/**
 * Tiny random Idefics3 (SmolVLM layout) folders: config.json with vision_config / text_config,
 * preprocessor_config.json and model.safetensors under transformers' Idefics3ForConditionalGeneration
 * names (model.vision_model.*, model.connector.modality_projection.proj.weight, model.text_model.*,
 * lm_head.weight). The text part is tiny-models.ts's Llama with its names moved under model.text_model.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** A SmolVLM-like processor at tiny sizes: longest edge 64, 32-pixel tiles plus the global image. */
export const TINY_PROCESSOR: Record<string, unknown> = {
  image_processor_type: 'Idefics3ImageProcessor',
  do_resize: true,
  size: { longest_edge: 64 },
  do_image_splitting: true,
  max_image_size: { longest_edge: 32 },
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  resample: 1,
};

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

/** SmolVLM's chat template (tokenizer_config.json of SmolVLM-256M-Instruct): content is a list of typed parts. */
export const SMOLVLM_CHAT_TEMPLATE =
  "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}" +
  "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}" +
  "<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

/** SmolVLM's added tokens on top of SmolLM's 49,152: <global-img>, <row_r_col_c> (6 x 6), <fake_token_around_image>, <image>, ..., <end_of_utterance>. */
export const SMOLVLM_TOKENS = { globalImg: 49152, fake: 49189, image: 49190, endOfUtterance: 49279, vocab: 49280 };

/**
 * A tiny random SmolVLM folder that a person could install: the weights of `spec` (its text vocab
 * set to SmolVLM's 49,280), SmolLM's tokenizer (from `tokenizerDir`) with SmolVLM's added tokens,
 * SmolVLM's chat template, and a context of 4,096 tokens.
 */
export function writeTinySmolVlm(folder: string, spec: TinyVlmSpec, tokenizerDir: string): string {
  const s: TinyVlmSpec = { ...spec, imageTokenId: SMOLVLM_TOKENS.image, text: { ...spec.text, vocab: SMOLVLM_TOKENS.vocab } };
  writeTinyVlm(folder, s);
  const config = vlmConfig(s);
  const text = config.text_config as Record<string, unknown>;
  text.max_position_embeddings = 4096;
  text.eos_token_id = SMOLVLM_TOKENS.endOfUtterance;
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config, null, 1));
  const tok = JSON.parse(readFileSync(join(tokenizerDir, 'tokenizer.json'), 'utf8')) as { added_tokens: Record<string, unknown>[] };
  const add = (id: number, content: string) =>
    tok.added_tokens.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  add(SMOLVLM_TOKENS.globalImg, '<global-img>');
  for (let r = 1; r <= 6; r++) for (let c = 1; c <= 6; c++) add(SMOLVLM_TOKENS.globalImg + (r - 1) * 6 + c, `<row_${r}_col_${c}>`);
  add(SMOLVLM_TOKENS.fake, '<fake_token_around_image>');
  add(SMOLVLM_TOKENS.image, '<image>');
  add(SMOLVLM_TOKENS.endOfUtterance, '<end_of_utterance>');
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tok));
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify({ bos_token: '<|im_start|>', eos_token: '<end_of_utterance>', chat_template: SMOLVLM_CHAT_TEMPLATE, tokenizer_class: 'GPT2Tokenizer' }, null, 1),
  );
  return folder;
}
