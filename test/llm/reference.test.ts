/**
 * The fp32 builds of ../shared/models reproduce the independent reference exactly: greedy ids
 * equal and top-10 logits within 1e-3, through one-shot prefill + decode, chunked prefill, and
 * with DuoAttention streaming heads.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDecoderConfig } from '../../core/llm/config.js';
import { buildDecoderGraph, type Precision } from '../../core/llm/build-decoder.js';
import { DecoderSession, type CacheState } from '../../core/llm/decoder-session.js';
import { allRetrieval, readDuoPattern, type DuoPattern } from '../../core/llm/duo-pattern.js';
import { Checkpoint } from '../../core/llm/safetensors.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'models');
const MODELS = ['tiny-llama', 'tiny-qwen2'];

interface RefPart {
  prompt: { pos: number; top: [number, number][]; lse: number }[];
  greedy: number[];
}
interface Reference extends RefPart {
  input_ids: number[];
  duo: RefPart & { pattern: DuoPattern };
}

const tmp = mkdtempSync(join(tmpdir(), 'wukong-ref-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function load(model: string, precision: Precision, duo: boolean): Promise<DecoderSession> {
  const folder = join(SHARED, model);
  const config = readDecoderConfig(folder);
  const pattern = duo ? readDuoPattern(join(folder, 'duo-pattern.json')) : allRetrieval(config);
  const onnx = join(tmp, `${model}-${precision}-${duo}.onnx`);
  buildDecoderGraph(Checkpoint.open(folder), config, onnx, `${onnx}.data`, { precision, pattern });
  return DecoderSession.load(onnx, config, pattern, { threads: 1 });
}

function row(logits: Float32Array, vocab: number, r: number): Float32Array {
  return logits.subarray(r * vocab, (r + 1) * vocab);
}

function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

async function greedy(s: DecoderSession, state: CacheState, first: Float32Array, n: number): Promise<number[]> {
  const out = [argmax(first)];
  while (out.length < n) {
    const r = await s.step(state, [out[out.length - 1]]);
    state = r.state;
    out.push(argmax(r.logits));
  }
  return out;
}

function expectTop(logits: Float32Array, top: [number, number][]): void {
  for (const [id, logit] of top) expect(Math.abs(logits[id] - logit)).toBeLessThan(1e-3);
  expect(argmax(logits)).toBe(top[0][0]);
}

describe.skipIf(!existsSync(SHARED)).each(MODELS)('%s fp32 against the reference', (model) => {
  const ref = () => JSON.parse(readFileSync(join(SHARED, model, 'reference.json'), 'utf8')) as Reference;

  for (const duo of [false, true]) {
    const label = duo ? 'duo' : 'full';
    it(`${label}: one-shot prefill logits, then greedy decode`, async () => {
      const r = ref();
      const part: RefPart = duo ? r.duo : r;
      const s = await load(model, 'fp32', duo);
      const pre = await s.step(s.empty(), r.input_ids, 0);
      for (const p of part.prompt) expectTop(row(pre.logits, s.vocab, p.pos), p.top);
      const ids = await greedy(s, pre.state, row(pre.logits, s.vocab, r.input_ids.length - 1), part.greedy.length);
      expect(ids).toEqual(part.greedy);
      await s.close();
    });

    it(`${label}: chunked prefill gives the same logits and ids`, async () => {
      const r = ref();
      const part: RefPart = duo ? r.duo : r;
      const s = await load(model, 'fp32', duo);
      for (const chunk of [1, 5, 16]) {
        let state = s.empty();
        const rows: Float32Array[] = [];
        for (let i = 0; i < r.input_ids.length; i += chunk) {
          const step = await s.step(state, r.input_ids.slice(i, i + chunk), 0);
          for (let k = 0; k < step.rows; k++) rows.push(row(step.logits, s.vocab, k).slice());
          state = step.state;
        }
        for (const p of part.prompt) expectTop(rows[p.pos], p.top);
        if (duo) expect(state.streamPositions.length).toBeLessThanOrEqual(r.duo.pattern.sink + r.duo.pattern.recent - 1);
        const ids = await greedy(s, state, rows[rows.length - 1], part.greedy.length);
        expect(ids).toEqual(part.greedy);
      }
      await s.close();
    });
  }
});
