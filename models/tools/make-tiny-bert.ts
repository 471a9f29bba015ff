/**
 * Builds a tiny BERT-shaped ONNX model with seeded random weights, laid out like a
 * sentence-transformers export (onnx/model.onnx + tokenizer.json + 1_Pooling_config.json), so the
 * ONNX embedder is tested end to end without downloading weights. Its vectors mean NOTHING.
 *
 * Graph: inputs input_ids, attention_mask, token_type_ids (int64 [batch, seq]);
 * last_hidden_state = tanh((E_word[ids] + E_type[types] + E_pos[0..seq)) W + b) * mask.
 * Each position only sees its own token (no attention), so padding changes no real token's state.
 *
 * Usage: node make-tiny-bert.js <outDir> --tokenizer <dir with tokenizer.json> [--hidden 32] [--pooling mean|cls]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../core/util/seeded-random.js';
import { encodeModel, FLOAT, INT64, type Graph } from './onnx-proto.js';

export interface TinyBertOptions {
  vocabSize: number;
  hidden?: number;
  maxPositions?: number;
  seed?: number;
}

function randomTensor(name: string, dims: number[], r: () => number, scale: number) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (r() * 2 - 1) * scale;
  return { name, dataType: FLOAT as typeof FLOAT, dims, data };
}

export function makeTinyBert(o: TinyBertOptions): Uint8Array {
  const h = o.hidden ?? 32;
  const maxPos = o.maxPositions ?? 512;
  const r = seededRandom(o.seed ?? 42);
  const graph: Graph = {
    name: 'tiny_bert',
    inputs: [
      { name: 'input_ids', elemType: INT64, shape: ['batch', 'sequence'] },
      { name: 'attention_mask', elemType: INT64, shape: ['batch', 'sequence'] },
      { name: 'token_type_ids', elemType: INT64, shape: ['batch', 'sequence'] },
    ],
    outputs: [{ name: 'last_hidden_state', elemType: FLOAT, shape: ['batch', 'sequence', h] }],
    initializers: [
      randomTensor('word_embeddings', [o.vocabSize, h], r, 1),
      randomTensor('token_type_embeddings', [2, h], r, 0.1),
      randomTensor('position_embeddings', [maxPos, h], r, 0.1),
      randomTensor('dense_weight', [h, h], r, 1 / Math.sqrt(h)),
      randomTensor('dense_bias', [h], r, 0.1),
      { name: 'zero', dataType: INT64, dims: [], data: BigInt64Array.from([0n]) },
      { name: 'one', dataType: INT64, dims: [], data: BigInt64Array.from([1n]) },
      { name: 'axis_last', dataType: INT64, dims: [1], data: BigInt64Array.from([-1n]) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['word_embeddings', 'input_ids'], outputs: ['we'], attributes: [{ name: 'axis', int: 0 }] },
      { op: 'Gather', inputs: ['token_type_embeddings', 'token_type_ids'], outputs: ['te'], attributes: [{ name: 'axis', int: 0 }] },
      { op: 'Shape', inputs: ['input_ids'], outputs: ['ids_shape'] },
      { op: 'Gather', inputs: ['ids_shape', 'one'], outputs: ['seq_len'], attributes: [{ name: 'axis', int: 0 }] },
      { op: 'Range', inputs: ['zero', 'seq_len', 'one'], outputs: ['positions'] },
      { op: 'Gather', inputs: ['position_embeddings', 'positions'], outputs: ['pe'], attributes: [{ name: 'axis', int: 0 }] },
      { op: 'Add', inputs: ['we', 'te'], outputs: ['e1'] },
      { op: 'Add', inputs: ['e1', 'pe'], outputs: ['e2'] },
      { op: 'MatMul', inputs: ['e2', 'dense_weight'], outputs: ['m'] },
      { op: 'Add', inputs: ['m', 'dense_bias'], outputs: ['mb'] },
      { op: 'Tanh', inputs: ['mb'], outputs: ['t'] },
      { op: 'Unsqueeze', inputs: ['attention_mask', 'axis_last'], outputs: ['mask3'] },
      { op: 'Cast', inputs: ['mask3'], outputs: ['maskf'], attributes: [{ name: 'to', int: FLOAT }] },
      { op: 'Mul', inputs: ['t', 'maskf'], outputs: ['last_hidden_state'] },
    ],
  };
  return encodeModel(graph);
}

/** Writes a sentence-transformers-shaped folder: onnx/model.onnx, tokenizer files, pooling config. */
export async function writeTinyBertFolder(
  outDir: string,
  tokenizerDir: string,
  options: { hidden?: number; pooling?: 'mean' | 'cls'; seed?: number } = {},
): Promise<string> {
  const tokenizer = JSON.parse(readFileSync(join(tokenizerDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> | unknown[] } };
  const vocab = tokenizer.model.vocab;
  const vocabSize = Array.isArray(vocab) ? vocab.length : Math.max(...Object.values(vocab)) + 1;
  const hidden = options.hidden ?? 32;
  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await writeFile(join(outDir, 'onnx', 'model.onnx'), makeTinyBert({ vocabSize, hidden, seed: options.seed }));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) {
    // Contents, not the file: copyFile keeps a read-only mode and a second run could not overwrite it.
    if (existsSync(join(tokenizerDir, f))) await writeFile(join(outDir, f), readFileSync(join(tokenizerDir, f)));
  }
  const cls = options.pooling === 'cls';
  await mkdir(join(outDir, '1_Pooling'), { recursive: true });
  await writeFile(
    join(outDir, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: hidden, pooling_mode_cls_token: cls, pooling_mode_mean_tokens: !cls }, null, 2),
  );
  await writeFile(join(outDir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: hidden, max_position_embeddings: 512, note: 'random weights: for tests only' }, null, 2));
  return outDir;
}

const isMain = process.argv[1] && /make-tiny-bert\.[cm]?[jt]s$/.test(process.argv[1]);
if (isMain) {
  const [outDir, ...rest] = process.argv.slice(2);
  const get = (n: string) => {
    const i = rest.indexOf(`--${n}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const tokenizerDir = get('tokenizer');
  if (!outDir || !tokenizerDir) {
    console.error('usage: make-tiny-bert <outDir> --tokenizer <dir> [--hidden 32] [--pooling mean|cls] [--seed 42]');
    process.exit(2);
  }
  await writeTinyBertFolder(outDir, tokenizerDir, {
    hidden: Number(get('hidden') ?? 32),
    pooling: get('pooling') === 'cls' ? 'cls' : 'mean',
    seed: Number(get('seed') ?? 42),
  });
  console.log(`tiny BERT (random weights) written to ${outDir}`);
}
