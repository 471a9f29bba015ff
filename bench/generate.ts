/**
 * `npm run bench -- generate [--long N]`: the local language model's speed and memory on this
 * machine, with random weights at the real shapes of Qwen2.5-0.5B and SmolLM2-360M (cost does not
 * depend on weight values; nothing here measures answer quality).
 * - install: graph build + int4 quantisation time of the 0.5B model (download excluded);
 * - int4 (accuracy_level 4 and 0) and fp32: prefill tokens/s of a 2,000-token prompt, decode
 *   tokens/s right after it (~2k context), peak RSS, each in a fresh process;
 * - TTFT of a 2,000-token evidence prompt vs a prompt of the whole text of lme4_lmer.pdf (capped
 *   at the model's context), same process;
 * - the share of this machine's measured fp32 GEMM throughput (ONNX Runtime MatMul) that int4
 *   prefill reaches.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { HfTokenCounter } from '../core/retrieval/budget.js';
import { parsePdf } from '../core/pdf/index.js';
import { DT, GraphWriter } from '../core/llm/onnx/graph.js';
import { readDecoderConfig } from '../core/llm/config.js';
import { DecoderSession } from '../core/llm/decoder-session.js';
import { ensureGraph } from '../core/llm/graph-store.js';
import { argmax } from '../core/llm/sampling.js';
import { randomModel, SHAPES } from './llm/random-model.js';
import { log, measureInChild } from './llm/run-child.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared');
const work = join(tmpdir(), 'wukong-bench');

/** fp32 GEMM throughput of ONNX Runtime's MatMul on this machine, GFLOP/s (best of several runs). */
async function gemmGflops(): Promise<number> {
  const M = 512;
  const K = 896;
  const N = 4864;
  const path = join(work, 'gemm.onnx');
  const g = new GraphWriter(`${path}.data`);
  g.input('a', DT.FLOAT, [M, K]);
  const w = new Float32Array(K * N).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  g.node('MatMul', ['a', g.initializer('w', DT.FLOAT, [K, N], w)], { outputs: ['y'] });
  g.output('y', DT.FLOAT, [M, N]);
  writeFileSync(path, g.finish({ opset: 17, producer: 'bench' }));
  const s = await ort.InferenceSession.create(path);
  const a = new ort.Tensor('float32', new Float32Array(M * K).fill(0.1), [M, K]);
  let best = Infinity;
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    await s.run({ a });
    best = Math.min(best, performance.now() - t);
  }
  await s.release();
  return Math.round((2 * M * K * N) / (best / 1000) / 1e9);
}

/** Parameters touched per prompt token (every layer's matrices; the lm_head runs for the last token only). */
function flopsPerToken(c: Record<string, number>): number {
  const H = c.hidden_size;
  const D = H / c.num_attention_heads;
  const attn = H * (c.num_attention_heads * D) * 2 + H * (c.num_key_value_heads * D) * 2;
  const mlp = 3 * H * c.intermediate_size;
  return 2 * c.num_hidden_layers * (attn + mlp);
}

async function wholePaperTokens(): Promise<number> {
  const pdf = join(shared, 'corpus', 'lme4_lmer.pdf');
  const doc = await parsePdf(new Uint8Array(readFileSync(pdf)), 'lme4_lmer.pdf');
  const counter = await HfTokenCounter.fromFile(join(shared, 'tokenizers', 'SmolLM-360M-Instruct', 'tokenizer.json'));
  return counter.count(doc.units.map((u) => u.text).join('\n\n'));
}

/**
 * How far int8 / int4 builds move the logits of the shared tiny models from the independent
 * reference (fp32 reproduces it within 1e-3): the largest error over each reference top-10, and
 * how many of the 16 greedy ids match. Tiny random models exaggerate quantisation error; this
 * says the quantised paths work, not how a trained model's answers change.
 */
async function precisionOnReference(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const model of ['tiny-llama', 'tiny-qwen2']) {
    const folder = join(shared, 'models', model);
    if (!existsSync(folder)) continue;
    const ref = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')) as { input_ids: number[]; prompt: { pos: number; top: [number, number][] }[]; greedy: number[] };
    const config = readDecoderConfig(folder);
    for (const precision of ['fp32', 'fp16', 'int8', 'int4'] as const) {
      for (const accuracyLevel of precision.startsWith('int') ? ([0, 4] as const) : ([4] as const)) {
        const built = ensureGraph(folder, join(work, `graphs-${model}`), { precision, accuracyLevel });
        const s = await DecoderSession.load(built.onnxPath, config, built.pattern, { threads: 1 });
        const pre = await s.step(s.empty(), ref.input_ids, 0);
        let err = 0;
        for (const p of ref.prompt) for (const [id, logit] of p.top) err = Math.max(err, Math.abs(pre.logits[p.pos * s.vocab + id] - logit));
        let state = pre.state;
        let next = argmax(pre.logits.subarray((ref.input_ids.length - 1) * s.vocab));
        let agree = 0;
        for (let i = 0; i < ref.greedy.length; i++) {
          if (next === ref.greedy[i]) agree++;
          // Teacher-forced: the reference's id is fed, so one miss does not spoil the rest.
          const r = await s.step(state, [ref.greedy[i]]);
          state = r.state;
          next = argmax(r.logits);
        }
        await s.close();
        out[`${model} ${precision}${precision.startsWith('int') ? ` acc${accuracyLevel}` : ''}`] = { max_logit_error: Math.round(err * 1e4) / 1e4, greedy_agreement: `${agree}/${ref.greedy.length}` };
      }
    }
  }
  return out;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const tokenizers = join(shared, 'tokenizers', 'SmolLM-360M-Instruct');
  if (!existsSync(tokenizers)) throw new Error('../shared/tokenizers is needed for this benchmark');
  const longArg = args.indexOf('--long');
  const figures: Record<string, unknown> = { note: 'random weights at real shapes; speed and memory only, never answer quality' };

  log('precision against the tiny references');
  figures.precision_on_tiny_reference = await precisionOnReference();
  if (args.includes('--accuracy-only')) return figures;

  log('GEMM throughput');
  const gemm = await gemmGflops();
  figures.gemm_fp32_gflops = gemm;

  const paperTokens = await wholePaperTokens();
  figures.lme4_whole_text_tokens = paperTokens;

  for (const shape of [SHAPES['qwen2.5-0.5b'], SHAPES['smollm2-360m']]) {
    log(`${shape.id}: random weights`);
    const folder = randomModel(work, shape, tokenizers);
    const cacheDir = join(work, `graphs-${shape.id}`);
    const c = shape.config as Record<string, number>;
    const out: Record<string, unknown> = {};
    figures[shape.id] = out;
    for (const [label, precision, accuracyLevel] of [['int4', 'int4', 4], ['int4_acc0', 'int4', 0], ['fp32', 'fp32', 4]] as const) {
      if (shape.id !== 'qwen2.5-0.5b' && label === 'int4_acc0') continue;
      log(`${shape.id} ${label}: build`);
      const build = measureInChild({ folder, cacheDir, precision, accuracyLevel, prompts: [], decode: 0 });
      log(`${shape.id} ${label}: 2,000-token prompt + 64 decoded tokens`);
      const m = measureInChild({ folder, cacheDir, precision, accuracyLevel, prompts: [2000], decode: 64 });
      const prefillTps = m.prefill[0].tps;
      out[label] = {
        build_ms: build.buildMs || undefined,
        build_peak_rss_mb: build.peakRssMb,
        prefill_2k_tps: prefillTps,
        ttft_2k_ms: m.prefill[0].ms,
        decode_tps_at_2k: m.decodeTps,
        peak_rss_mb: m.peakRssMb,
        prefill_gflops: Math.round((flopsPerToken(c) * prefillTps) / 1e9),
        prefill_share_of_gemm: Math.round(((flopsPerToken(c) * prefillTps) / 1e9 / gemm) * 100) / 100,
      };
    }
    const limit = c.max_position_embeddings - 64;
    const long = longArg >= 0 ? Number(args[longArg + 1]) : Math.min(paperTokens, limit);
    log(`${shape.id} int4: TTFT 2,000 tokens vs ${long} tokens (whole paper, capped at the context)`);
    const t = measureInChild({ folder, cacheDir, precision: 'int4', accuracyLevel: 4, prompts: [2000, long], decode: 0 });
    out.ttft = { evidence_tokens: 2000, evidence_ms: t.prefill[0].ms, whole_tokens: long, whole_ms: t.prefill[1].ms, ratio: Math.round((t.prefill[1].ms / t.prefill[0].ms) * 10) / 10 };
  }
  return figures;
}
