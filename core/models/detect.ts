import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRole } from '../api.js';
import { WukongError } from '../errors.js';
import { readDecoderConfig } from '../llm/config.js';
import { readIdefics3Config, readImageProcessorConfig } from '../llm/vision/config.js';

/**
 * Recognises a model folder by its layout, so a person can install what they downloaded themselves:
 * - sentence-transformers ONNX export: tokenizer.json + onnx/model.onnx (+ pooling config) -> embedder
 * - a Hugging Face causal LM (config.json + safetensors weights; the ONNX graph is built from them) -> generator
 * - an Idefics3 / SmolVLM folder (config.json with vision_config, safetensors weights; the app builds its graphs) -> vision
 */
export function detectRole(folder: string): ModelRole {
  const has = (p: string) => existsSync(join(folder, p));
  const onnx = has('onnx/model.onnx') || has('model.onnx') || has('onnx/decoder_model_merged.onnx');
  const safetensors = has('model.safetensors') || has('model.safetensors.index.json');
  if (!has('tokenizer.json')) throw invalid(folder, 'tokenizer.json is missing');
  if (!onnx && !safetensors) throw invalid(folder, 'no weights (model.safetensors, or onnx/model.onnx for embedders) were found');
  let config: { architectures?: string[]; vision_config?: unknown; model_type?: string } = {};
  if (has('config.json')) {
    try {
      config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    } catch {
      throw invalid(folder, 'config.json is not valid JSON');
    }
  }
  if (config.vision_config) {
    if (!safetensors) throw invalid(folder, 'a vision-language model needs its safetensors weights (the app builds its ONNX graphs from them)');
    // Names what is unsupported (architecture, vision tower, processor settings) before anything is copied.
    readIdefics3Config(folder);
    readImageProcessorConfig(folder);
    return 'vision';
  }
  if (config.architectures?.some((a) => /ForCausalLM$/.test(a)) || ['llama', 'qwen2', 'qwen3'].includes(config.model_type ?? '')) {
    if (!safetensors) throw invalid(folder, 'a language model needs its safetensors weights (the app builds its ONNX graph from them)');
    // Names what is unsupported (architecture, activation, rope scaling) before anything is copied.
    readDecoderConfig(folder);
    return 'generator';
  }
  if (!onnx) throw invalid(folder, 'no ONNX weights (onnx/model.onnx) were found');
  if (has('1_Pooling/config.json') || has('modules.json') || /bert|roberta|mpnet/i.test(config.model_type ?? '')) return 'embedder';
  throw invalid(folder, 'it is not a sentence embedder, a causal language model or a vision-language model');
}

function invalid(folder: string, why: string): WukongError {
  return new WukongError('MODEL_INVALID', `${folder} is not a model folder WuKong can use: ${why}.`);
}
