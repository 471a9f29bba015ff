/**
 * `npm run bench -- vision`: the vision-language model's speed and memory on this machine, with
 * random weights at SmolVLM-256M-Instruct's shapes (SigLIP-B/16 at 512 px, scale_factor 4 -> 64
 * tokens per tile, SmolLM2-135M decoder); cost does not depend on weight values.
 * - build: vision graph (fp16 storage), embedding graph and int4 decoder graph;
 * - encode: one figure as 1 tile + global image (2 frames of 512 x 512), best of 3 after a warm-up;
 *   preprocess: a 600 x 400 RGBA crop with size.longest_edge 2048 (SmolVLM's setting, assumed below), 1024
 *   and 512, and the frames each makes;
 * - TTFT of 2,000 text tokens + 2 figures (encode + prefill) vs the same 2,000 text tokens alone;
 * - peak RSS of the process.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VisionLanguageModel } from '../core/llm/vision/vision-model.js';
import { imagePromptText } from '../core/llm/vision/preprocess.js';
import { tensors, writeRandomBf16 } from './llm/random-model.js';
import { log } from './llm/run-child.js';

const work = join(tmpdir(), 'wukong-bench');

const TEXT = {
  model_type: 'llama', hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9,
  num_key_value_heads: 3, vocab_size: 49280, max_position_embeddings: 8192, rms_norm_eps: 1e-5, rope_theta: 100000,
  hidden_act: 'silu', eos_token_id: 2,
};
const VISION = { hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12, image_size: 512, patch_size: 16, hidden_act: 'gelu_pytorch_tanh', layer_norm_eps: 1e-6 };
const SCALE = 4;
const IMAGE_TOKEN = 49190;
const PROCESSOR = {
  image_processor_type: 'Idefics3ImageProcessor', do_resize: true, size: { longest_edge: 2048 }, do_image_splitting: true,
  max_image_size: { longest_edge: 512 }, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true,
  image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], resample: 1,
};

function randomVlm(): string {
  const folder = join(work, 'smolvlm-256m');
  if (existsSync(join(folder, 'model.safetensors'))) return folder;
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({ model_type: 'idefics3', image_token_id: IMAGE_TOKEN, scale_factor: SCALE, tie_word_embeddings: false, text_config: TEXT, vision_config: VISION }, null, 1),
  );
  writeFileSync(join(folder, 'preprocessor_config.json'), JSON.stringify(PROCESSOR, null, 1));
  const E = VISION.hidden_size;
  const I = VISION.intermediate_size;
  const P = VISION.image_size / VISION.patch_size;
  const V = 'model.vision_model';
  const list: [string, number[]][] = [
    [`${V}.embeddings.patch_embedding.weight`, [E, 3, VISION.patch_size, VISION.patch_size]],
    [`${V}.embeddings.patch_embedding.bias`, [E]],
    [`${V}.embeddings.position_embedding.weight`, [P * P, E]],
  ];
  for (let l = 0; l < VISION.num_hidden_layers; l++) {
    const p = `${V}.encoder.layers.${l}`;
    for (const ln of ['layer_norm1', 'layer_norm2']) list.push([`${p}.${ln}.weight`, [E]], [`${p}.${ln}.bias`, [E]]);
    for (const m of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) list.push([`${p}.self_attn.${m}.weight`, [E, E]], [`${p}.self_attn.${m}.bias`, [E]]);
    list.push([`${p}.mlp.fc1.weight`, [I, E]], [`${p}.mlp.fc1.bias`, [I]], [`${p}.mlp.fc2.weight`, [E, I]], [`${p}.mlp.fc2.bias`, [E]]);
  }
  list.push([`${V}.post_layernorm.weight`, [E]], [`${V}.post_layernorm.bias`, [E]]);
  list.push(['model.connector.modality_projection.proj.weight', [TEXT.hidden_size, E * SCALE * SCALE]]);
  for (const [name, dims] of tensors(TEXT)) list.push([`model.text_model.${name.slice('model.'.length)}`, dims]);
  list.push(['lm_head.weight', [TEXT.vocab_size, TEXT.hidden_size]]);
  writeRandomBf16(join(folder, 'model.safetensors'), list);
  return folder;
}

function rssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Ids that avoid the special range, deterministic. */
function textIds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 100 + ((i * 7919) % 40000));
}

/** The ids of one figure's layout as 1 x 1 tile + global (special tokens as arbitrary ids; only the count matters here). */
function figureIds(seqLen: number): number[] {
  return imagePromptText(1, 1, seqLen)
    .split(/(<image>)/)
    .flatMap((part) => (part === '<image>' ? [IMAGE_TOKEN] : part ? [49180] : []));
}

export async function run(): Promise<Record<string, unknown>> {
  log('SmolVLM-256M shapes: random weights');
  const folder = randomVlm();
  log('build graphs (vision fp16, decoder int4) and load');
  const model = await VisionLanguageModel.load(folder, { precision: 'int4', visionPrecision: 'fp16', cacheDir: join(work, 'graphs-smolvlm-256m') });
  const figures: Record<string, unknown> = {
    note: 'random weights at SmolVLM-256M-Instruct shapes; speed and memory only, never answer quality',
    build_ms: model.buildMs || 'cached',
    image_seq_len: model.config.imageSeqLen,
  };
  const S = model.config.vision.imageSize;
  const tile = { pixels: new Float32Array(2 * 3 * S * S).map((_, i) => ((i * 2654435761) % 1000) / 500 - 1), count: 2, side: S, rows: 1, cols: 1 };

  log('encode one figure (1 tile + global)');
  const features = await model.encode(tile);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await model.encode(tile);
    best = Math.min(best, performance.now() - t);
  }
  figures.encode_figure_1tile_global_ms = Math.round(best);

  const crop = { width: 600, height: 400, channels: 4 as const, data: new Uint8Array(600 * 400 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 31) % 256)) };
  for (const edge of [2048, 1024, 512]) {
    const t = performance.now();
    const processed = model.preprocess(crop, { longestEdge: edge });
    figures[`preprocess_600x400_longest_${edge}`] = { ms: Math.round(performance.now() - t), frames: processed.count, rows: processed.rows, cols: processed.cols };
  }

  log('TTFT: 2,000 text tokens');
  let t: number;
  const text = textIds(2000);
  // Warm the decoder once on a short prompt so neither figure pays for first-run allocation.
  await model.prefill(model.decoder.empty(), text.slice(0, 64), []);
  t = performance.now();
  await model.prefill(model.decoder.empty(), text, [], 512);
  const textOnly = performance.now() - t;

  log('TTFT: 2,000 text tokens + 2 figures');
  const fig = figureIds(model.config.imageSeqLen);
  const ids = [...text.slice(0, 1000), ...fig, ...text.slice(1000, 1900), ...fig, ...text.slice(1900)];
  t = performance.now();
  const f1 = await model.encode(tile);
  const f2 = await model.encode(tile);
  const encoded = performance.now() - t;
  await model.prefill(model.decoder.empty(), ids, [f1, f2], 512);
  const withFigures = performance.now() - t;
  figures.ttft = {
    text_tokens: 2000,
    text_only_ms: Math.round(textOnly),
    with_2_figures_ms: Math.round(withFigures),
    of_which_encode_ms: Math.round(encoded),
    prompt_tokens_with_figures: ids.length,
    ratio: Math.round((withFigures / textOnly) * 100) / 100,
  };
  figures.peak_rss_mb = rssMb();
  if (features.length !== 2 * model.config.imageSeqLen * model.config.text.hiddenSize) throw new Error('unexpected feature size');
  await model.close();
  return figures;
}
