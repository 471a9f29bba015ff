/**
 * The architecture of an Idefics3 / SmolVLM folder (Idefics3ForConditionalGeneration), read from its
 * config.json and preprocessor_config.json and checked against what the builders reproduce exactly:
 * a SigLIP vision tower (square tiles of image_size, gelu_pytorch_tanh), a pixel-shuffle connector
 * and a Llama text decoder from `text_config`. Anything else is refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WukongError } from '../../errors.js';
import { parseDecoderConfig, type DecoderConfig } from '../config.js';

export interface VisionConfig {
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  headDim: number;
  channels: number;
  /** Side of one square tile in pixels. */
  imageSize: number;
  patchSize: number;
  /** Patches per side of a tile (imageSize / patchSize). */
  patchesPerSide: number;
  layerNormEps: number;
}

export interface Idefics3Config {
  vision: VisionConfig;
  /** The Llama decoder; `tiedEmbeddings` is the top-level tie_word_embeddings, as Idefics3ForConditionalGeneration ties. */
  text: DecoderConfig;
  scaleFactor: number;
  imageTokenId: number;
  /** `<image>` tokens per tile: (patchesPerSide / scaleFactor)^2. */
  imageSeqLen: number;
}

export interface ImageProcessorConfig {
  doResize: boolean;
  /** First resize: the longest edge becomes this (up or down), the other keeps the aspect ratio (rounded to even). */
  longestEdge: number;
  doImageSplitting: boolean;
  /** Tile side. */
  maxImageSize: number;
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  mean: [number, number, number];
  std: [number, number, number];
  /** PIL resampling filter: 1 = LANCZOS (the only one supported). */
  resample: number;
}

type Raw = Record<string, unknown>;

function readJson(folder: string, file: string): Raw {
  try {
    return JSON.parse(readFileSync(join(folder, file), 'utf8')) as Raw;
  } catch (err) {
    throw new WukongError('MODEL_INVALID', `${folder} has no readable ${file}.`, String(err));
  }
}

export function readIdefics3Config(folder: string): Idefics3Config {
  return parseIdefics3Config(readJson(folder, 'config.json'));
}

/** True when a folder's config.json describes a vision-language model this project can build. */
export function isVisionModelConfig(raw: Raw): boolean {
  return raw.model_type === 'idefics3';
}

export function parseIdefics3Config(raw: Raw): Idefics3Config {
  if (raw.model_type !== 'idefics3') throw unsupported(`model_type "${String(raw.model_type ?? '(none)')}" (supported: idefics3)`);
  const v = (raw.vision_config ?? {}) as Raw;
  // Idefics3VisionConfig's defaults, where config.json is silent.
  const hiddenSize = int(v, 'hidden_size', 1152);
  const heads = int(v, 'num_attention_heads', 16);
  const imageSize = int(v, 'image_size', 224);
  const patchSize = int(v, 'patch_size', 32);
  const act = v.hidden_act ?? 'gelu_pytorch_tanh';
  if (act !== 'gelu_pytorch_tanh') throw unsupported(`vision hidden_act "${String(act)}" (only gelu_pytorch_tanh)`);
  if (hiddenSize % heads !== 0) throw unsupported(`vision hidden size ${hiddenSize} over ${heads} heads`);
  if (imageSize % patchSize !== 0) throw unsupported(`image_size ${imageSize} not a multiple of patch_size ${patchSize}`);
  const patchesPerSide = imageSize / patchSize;
  const scaleFactor = int(raw, 'scale_factor', 2);
  if (patchesPerSide % scaleFactor !== 0) throw unsupported(`${patchesPerSide} patches per side with scale_factor ${scaleFactor}`);
  const vision: VisionConfig = {
    hiddenSize,
    intermediateSize: int(v, 'intermediate_size', 3072),
    layers: int(v, 'num_hidden_layers', 12),
    heads,
    headDim: hiddenSize / heads,
    channels: int(v, 'num_channels', 3),
    imageSize,
    patchSize,
    patchesPerSide,
    layerNormEps: typeof v.layer_norm_eps === 'number' ? v.layer_norm_eps : 1e-6,
  };
  if (vision.channels !== 3) throw unsupported(`${vision.channels} image channels`);
  const t = { ...((raw.text_config ?? {}) as Raw) };
  t.model_type = t.model_type ?? 'llama';
  if (t.model_type !== 'llama') throw unsupported(`text model "${String(t.model_type)}" (only llama)`);
  // Idefics3Config's default text config sets rms_norm_eps 1e-5.
  if (t.rms_norm_eps === undefined) t.rms_norm_eps = 1e-5;
  const text = parseDecoderConfig(t);
  text.tiedEmbeddings = raw.tie_word_embeddings === true;
  if (text.eosTokenIds.length === 0 && typeof raw.eos_token_id === 'number') text.eosTokenIds = [raw.eos_token_id];
  const imageTokenId = int(raw, 'image_token_id', 128257);
  if (imageTokenId >= text.vocabSize) throw unsupported(`image_token_id ${imageTokenId} outside the vocabulary`);
  return { vision, text, scaleFactor, imageTokenId, imageSeqLen: (patchesPerSide / scaleFactor) ** 2 };
}

export function readImageProcessorConfig(folder: string): ImageProcessorConfig {
  return parseImageProcessorConfig(readJson(folder, 'preprocessor_config.json'));
}

/** Idefics3ImageProcessor's settings, with its defaults where the file is silent. */
export function parseImageProcessorConfig(raw: Raw): ImageProcessorConfig {
  const type = raw.image_processor_type;
  if (type !== undefined && type !== 'Idefics3ImageProcessor' && type !== 'Idefics3ImageProcessorFast') {
    throw unsupported(`image processor "${String(type)}"`);
  }
  const edge = (key: string, dflt: number) => {
    const s = raw[key] as Raw | undefined;
    if (s === undefined) return dflt;
    return int(s, 'longest_edge');
  };
  const resample = typeof raw.resample === 'number' ? raw.resample : 1;
  if (resample !== 1) throw unsupported(`resample ${resample} (only 1, LANCZOS)`);
  const triple = (key: string, dflt: number): [number, number, number] => {
    const x = raw[key];
    if (x === undefined) return [dflt, dflt, dflt];
    if (typeof x === 'number') return [x, x, x];
    if (Array.isArray(x) && x.length === 3 && x.every((n) => typeof n === 'number')) return x as [number, number, number];
    throw new WukongError('MODEL_INVALID', `preprocessor_config.json: "${key}" must be three numbers.`);
  };
  const bool = (key: string) => raw[key] !== false;
  const longestEdge = edge('size', 4 * 364);
  if (longestEdge > MAX_IMAGE_SIZE) throw unsupported(`size.longest_edge ${longestEdge} (at most ${MAX_IMAGE_SIZE})`);
  return {
    doResize: bool('do_resize'),
    longestEdge,
    doImageSplitting: bool('do_image_splitting'),
    maxImageSize: edge('max_image_size', 364),
    doRescale: bool('do_rescale'),
    rescaleFactor: typeof raw.rescale_factor === 'number' ? raw.rescale_factor : 1 / 255,
    doNormalize: bool('do_normalize'),
    // IMAGENET_STANDARD_MEAN / STD.
    mean: triple('image_mean', 0.5),
    std: triple('image_std', 0.5),
    resample,
  };
}

/** Idefics3ImageProcessor's absolute maximum side after the first resize. */
export const MAX_IMAGE_SIZE = 4096;

function int(raw: Raw, key: string, dflt?: number): number {
  const v = raw[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new WukongError('MODEL_INVALID', `config: "${key}" is missing or not a positive whole number.`);
  }
  return v;
}

function unsupported(what: string): WukongError {
  return new WukongError('MODEL_INVALID', `This model is not supported: ${what}.`);
}
