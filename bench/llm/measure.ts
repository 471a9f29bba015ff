/**
 * One measurement in a fresh process (so peak RSS belongs to this configuration alone):
 * `node dist/bench/llm/measure.js '<json MeasureRequest>'` prints a MeasureResult as JSON.
 * Prompts are random ids: cost does not depend on which tokens they are.
 */
import { availableParallelism } from 'node:os';
import type { Precision } from '../../core/api.js';
import { readDecoderConfig } from '../../core/llm/config.js';
import { DecoderSession } from '../../core/llm/decoder-session.js';
import type { DuoPattern } from '../../core/llm/duo-pattern.js';
import { ensureGraph } from '../../core/llm/graph-store.js';
import { argmax } from '../../core/llm/sampling.js';

export interface MeasureRequest {
  folder: string;
  cacheDir: string;
  precision: Precision;
  accuracyLevel?: 0 | 4;
  pattern?: DuoPattern;
  /** Prompt lengths to prefill, in this order, each from an empty cache (the first also warms up). */
  prompts: number[];
  /** Tokens to decode after the last prompt. */
  decode: number;
  chunk?: number;
}

export interface MeasureResult {
  buildMs: number;
  loadMs: number;
  prefill: { tokens: number; ms: number; tps: number }[];
  decodeMsPerToken: number;
  decodeTps: number;
  kvBytes: number;
  peakRssMb: number;
}

function ids(n: number, vocab: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % vocab;
  });
}

export async function measure(req: MeasureRequest): Promise<MeasureResult> {
  const config = readDecoderConfig(req.folder);
  const built = ensureGraph(req.folder, req.cacheDir, { precision: req.precision, pattern: req.pattern, accuracyLevel: req.accuracyLevel });
  const t0 = performance.now();
  const session = await DecoderSession.load(built.onnxPath, config, built.pattern, { threads: availableParallelism() });
  const loadMs = performance.now() - t0;
  // Warm-up: first runs allocate and pick kernels.
  await session.prefill(session.empty(), ids(64, config.vocabSize, 1), req.chunk ?? 512);
  const prefill: MeasureResult['prefill'] = [];
  let last;
  for (const [i, n] of req.prompts.entries()) {
    const t = performance.now();
    last = await session.prefill(session.empty(), ids(n, config.vocabSize, 100 + i), req.chunk ?? 512);
    const ms = performance.now() - t;
    prefill.push({ tokens: n, ms: Math.round(ms), tps: Math.round((n / ms) * 1000 * 10) / 10 });
  }
  let state = last?.state ?? session.empty();
  let next = last ? argmax(last.logits.subarray((last.rows - 1) * config.vocabSize)) : 0;
  const t = performance.now();
  for (let i = 0; i < req.decode; i++) {
    const r = await session.step(state, [next]);
    state = r.state;
    next = argmax(r.logits);
  }
  const decodeMs = (performance.now() - t) / Math.max(1, req.decode);
  const result: MeasureResult = {
    buildMs: built.buildMs,
    loadMs: Math.round(loadMs),
    prefill,
    decodeMsPerToken: Math.round(decodeMs * 10) / 10,
    decodeTps: Math.round((1000 / decodeMs) * 10) / 10,
    kvBytes: session.kvBytes(state),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  await session.close();
  return result;
}

if (process.argv[1]?.endsWith('measure.js') && process.argv[2]) {
  const result = await measure(JSON.parse(process.argv[2]) as MeasureRequest);
  process.stdout.write(JSON.stringify(result) + '\n');
}
