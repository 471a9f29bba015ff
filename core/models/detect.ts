import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRole } from '../api.js';
import { WukongError } from '../errors.js';

/**
 * Recognises a model folder by its layout, so a person can install what they downloaded themselves:
 * - sentence-transformers ONNX export: tokenizer.json + onnx/model.onnx (+ pooling config) -> embedder
 * - a causal LM (config.json architectures *ForCausalLM) with ONNX weights, or with safetensors
 *   weights the app builds its graph from -> generator
 * - a vision-language export (config.json with vision_config) with ONNX weights -> vision
 */
export function detectRole(folder: string): ModelRole {
  const has = (p: string) => existsSync(join(folder, p));
  const onnx = has('onnx/model.onnx') || has('model.onnx') || has('onnx/decoder_model_merged.onnx');
  const safetensors = has('model.safetensors') || has('model.safetensors.index.json');
  if (!has('tokenizer.json')) throw invalid(folder, 'tokenizer.json is missing');
  if (!onnx && !safetensors) throw invalid(folder, 'no weights (onnx/model.onnx, model.safetensors or model.safetensors.index.json) were found');
  let config: { architectures?: string[]; vision_config?: unknown; model_type?: string } = {};
  if (has('config.json')) {
    try {
      config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    } catch {
      throw invalid(folder, 'config.json is not valid JSON');
    }
  }
  if (config.vision_config) return 'vision';
  if (config.architectures?.some((a) => /ForCausalLM$/.test(a))) return 'generator';
  if (!onnx) throw invalid(folder, 'safetensors weights are only supported for causal language models (config.json architectures *ForCausalLM)');
  if (has('1_Pooling/config.json') || has('modules.json') || /bert|roberta|mpnet/i.test(config.model_type ?? '')) return 'embedder';
  throw invalid(folder, 'it is not a sentence embedder, a causal language model or a vision-language model');
}

function invalid(folder: string, why: string): WukongError {
  return new WukongError('MODEL_INVALID', `${folder} is not a model folder WuKong can use: ${why}.`);
}
