/**
 * Sentence-transformers models exported to ONNX (all-MiniLM-L6-v2, bge-small-en-v1.5 layout:
 * tokenizer.json + onnx/model.onnx + 1_Pooling/config.json), run by onnxruntime-node on the CPU.
 * Texts are tokenised with @huggingface/tokenizers, sorted by length and batched so padding stays
 * small; pooling (mean over the attention mask, or the CLS token) follows the pooling config and
 * vectors are L2-normalised.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { WukongError } from '../errors.js';
import { normalize, type Embedder } from './embedder.js';

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

export type Pooling = 'mean' | 'cls';

export interface OnnxEmbedderOptions {
  /** Tokens per text including special tokens (default: min(config max positions, 256)). */
  maxTokens?: number;
  /** Texts per model call (default 32). */
  batchSize?: number;
  /** Hybrid fusion weight (default 0.5: a trained sentence encoder carries real signal). */
  fusionWeight?: number;
  /** Prepended to questions (bge: "Represent this sentence for searching relevant passages: "). */
  queryPrefix?: string;
  /** Overrides the folder's pooling config. */
  pooling?: Pooling;
  threads?: number;
  id?: string;
}

interface PoolingConfig {
  pooling_mode_cls_token?: boolean;
  pooling_mode_mean_tokens?: boolean;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly dims: number;
  readonly fusionWeight: number;
  readonly pooling: Pooling;
  readonly maxTokens: number;
  private readonly ort: Ort;
  private readonly session: Session;
  private readonly tokenizer: Tokenizer;
  private readonly batchSize: number;
  private readonly queryPrefix: string;
  private readonly padId: number;
  private readonly needsTypeIds: boolean;

  private constructor(
    ort: Ort,
    session: Session,
    tokenizer: Tokenizer,
    p: { id: string; dims: number; pooling: Pooling; maxTokens: number; padId: number; o: OnnxEmbedderOptions; queryPrefix: string },
  ) {
    this.ort = ort;
    this.session = session;
    this.tokenizer = tokenizer;
    this.id = p.id;
    this.dims = p.dims;
    this.pooling = p.pooling;
    this.maxTokens = p.maxTokens;
    this.padId = p.padId;
    this.batchSize = p.o.batchSize ?? 32;
    this.fusionWeight = p.o.fusionWeight ?? 0.5;
    this.queryPrefix = p.queryPrefix;
    this.needsTypeIds = session.inputNames.includes('token_type_ids');
  }

  /** Loads a model folder; MODEL_MISSING when it lacks the files, MODEL_INVALID when they do not load. */
  static async load(folder: string, o: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    const modelPath = [join(folder, 'onnx', 'model.onnx'), join(folder, 'model.onnx')].find((p) => existsSync(p));
    const tokJson = await readJson<object>(join(folder, 'tokenizer.json'));
    if (!modelPath || !tokJson) throw new WukongError('MODEL_MISSING', undefined, `${folder}: needs tokenizer.json and onnx/model.onnx`);
    const tokConfig = (await readJson<Record<string, unknown>>(join(folder, 'tokenizer_config.json'))) ?? {};
    const config = (await readJson<{ max_position_embeddings?: number; hidden_size?: number }>(join(folder, 'config.json'))) ?? {};
    const pool =
      (await readJson<PoolingConfig>(join(folder, '1_Pooling', 'config.json'))) ??
      (await readJson<PoolingConfig>(join(folder, '1_Pooling_config.json'))) ??
      {};
    const st = (await readJson<{ prompts?: Record<string, string> }>(join(folder, 'config_sentence_transformers.json'))) ?? {};
    const pooling: Pooling = o.pooling ?? (pool.pooling_mode_cls_token ? 'cls' : 'mean');
    const tokenizer = new Tokenizer(tokJson, tokConfig);
    const padToken = typeof tokConfig.pad_token === 'string' ? tokConfig.pad_token : '[PAD]';
    const padId = tokenizer.token_to_id(padToken) ?? 0;
    const maxTokens = o.maxTokens ?? Math.min(config.max_position_embeddings ?? 512, 256);
    const ort = (await import('onnxruntime-node')) as Ort;
    let session: Session;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        intraOpNumThreads: o.threads ?? 0,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new WukongError('MODEL_INVALID', undefined, String(err));
    }
    const embedder = new OnnxEmbedder(ort, session, tokenizer, {
      id: o.id ?? `onnx:${basename(folder)}`,
      dims: 0,
      pooling,
      maxTokens,
      padId,
      o,
      queryPrefix: o.queryPrefix ?? st.prompts?.query ?? '',
    });
    // The width is whatever the graph outputs: found by running it once.
    const probe = await embedder.embed(['dimension probe']);
    (embedder as { dims: number }).dims = probe[0].length;
    return embedder;
  }

  /** Token ids with the tokenizer's special tokens, cut to maxTokens keeping the final [SEP]. */
  encode(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    if (ids.length <= this.maxTokens) return ids;
    return [...ids.slice(0, this.maxTokens - 1), ids[ids.length - 1]];
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const encoded = texts.map((t) => this.encode(t.slice(0, this.maxTokens * 12)));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length);
    const out = new Array<Float32Array>(texts.length);
    for (let s = 0; s < order.length; s += this.batchSize) {
      if (signal?.aborted) throw new WukongError('CANCELLED');
      const batch = order.slice(s, s + this.batchSize);
      const vs = await this.run(batch.map((i) => encoded[i]));
      batch.forEach((i, j) => (out[i] = vs[j]));
    }
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.embed([this.queryPrefix + text]))[0];
  }

  /** Runs one padded batch and pools each row over its real tokens only. */
  async run(batch: number[][]): Promise<Float32Array[]> {
    const b = batch.length;
    const len = Math.max(1, ...batch.map((x) => x.length));
    const ids = new BigInt64Array(b * len).fill(BigInt(this.padId));
    const mask = new BigInt64Array(b * len);
    batch.forEach((row, r) =>
      row.forEach((id, c) => {
        ids[r * len + c] = BigInt(id);
        mask[r * len + c] = 1n;
      }),
    );
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {
      input_ids: new this.ort.Tensor('int64', ids, [b, len]),
      attention_mask: new this.ort.Tensor('int64', mask, [b, len]),
    };
    if (this.needsTypeIds) feeds.token_type_ids = new this.ort.Tensor('int64', new BigInt64Array(b * len), [b, len]);
    const result = await this.session.run(feeds);
    const outName = this.session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : this.session.outputNames[0];
    const hidden = result[outName];
    const h = hidden.dims[2];
    const data = hidden.data as Float32Array;
    return batch.map((row, r) => {
      const v = new Float32Array(h);
      if (this.pooling === 'cls') {
        v.set(data.subarray(r * len * h, r * len * h + h));
      } else {
        const n = Math.max(1, row.length);
        for (let c = 0; c < row.length; c++) {
          const off = (r * len + c) * h;
          for (let k = 0; k < h; k++) v[k] += data[off + k];
        }
        for (let k = 0; k < h; k++) v[k] /= n;
      }
      return normalize(v);
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
