/**
 * The head profiler finds a retrieval head it was never told about: a tiny model whose weights
 * are set by hand so that one key/value head looks back a fixed 16 positions (a copy head) and
 * every other head looks at the last few tokens. The scores, the pattern cut from them, the
 * gate-file import, and `wukong models profile` as a person runs it.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChatTokenizer } from '../../core/llm/chat.js';
import { readDecoderConfig } from '../../core/llm/config.js';
import { DecoderSession } from '../../core/llm/decoder-session.js';
import { allRetrieval } from '../../core/llm/duo-pattern.js';
import { ensureGraph } from '../../core/llm/graph-store.js';
import { importGateTsv, patternFromScores, profileModel, retrievalScores } from '../../core/llm/profile.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { configJson, randomTensors, writeSafetensors, type TinySpec } from './tiny-models.js';

const TOKENIZER = join(import.meta.dirname, '..', '..', '..', 'shared', 'tokenizers', 'SmolLM-360M-Instruct');
const D = 16;
const COPY_LAYER = 1;
const COPY_HEAD = 0;
const DISTANCE = 16;

const spec: TinySpec = {
  modelType: 'qwen2', hidden: 64, intermediate: 96, layers: 2, heads: 4, kvHeads: 2, vocab: 49152, dtype: 'F32', shards: 1,
  tied: true, ropeTheta: 1e6, rmsEps: 1e-6, qkvBias: true, qkNorm: false, seed: 5, scale: 0.05,
};

/**
 * q and k come from biases alone (projection weights zero), in the rotary pair whose frequency
 * is theta = 1e6^(-4/16) ~ 0.03: after RoPE their dot product is a*b*cos(phi + (i - j) * theta),
 * which peaks at i - j = -phi / theta. phi = 0 makes a local head; phi = -16 * theta a head that
 * reads 16 positions back.
 */
function handSetModel(): string {
  const folder = mkdtempSync(join(tmpdir(), 'wukong-copyhead-'));
  const pair = 2;
  const theta = Math.pow(spec.ropeTheta, (-2 * pair) / D);
  const tensors = randomTensors(spec).map((t) => {
    const m = /layers\.(\d+)\.self_attn\.([qk])_proj\.(weight|bias)/.exec(t.name);
    if (!m) return t;
    const layer = Number(m[1]);
    const data = new Float64Array(t.data.length);
    if (m[3] === 'bias') {
      const heads = m[2] === 'q' ? spec.heads : spec.kvHeads;
      for (let h = 0; h < heads; h++) {
        const kv = m[2] === 'q' ? Math.floor(h / (spec.heads / spec.kvHeads)) : h;
        const phi = m[2] === 'q' && layer === COPY_LAYER && kv === COPY_HEAD ? -DISTANCE * theta : 0;
        data[h * D + pair] = 24 * Math.cos(phi);
        data[h * D + pair + D / 2] = 24 * Math.sin(phi);
      }
    }
    return { ...t, data };
  });
  writeSafetensors(join(folder, 'model.safetensors'), tensors, () => 'F32');
  writeFileSync(join(folder, 'config.json'), JSON.stringify(configJson(spec)));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(TOKENIZER, f), join(folder, f));
  return folder;
}

describe.skipIf(!existsSync(TOKENIZER))('head profiling', () => {
  it('scores the hand-set copy head far above the local heads and keeps it as the one retrieval head', async () => {
    const folder = handSetModel();
    const c = readDecoderConfig(folder);
    const built = ensureGraph(folder, join(folder, 'onnx'), { precision: 'fp32', pattern: allRetrieval(c), probe: true });
    const session = await DecoderSession.load(built.onnxPath, c, built.pattern, { threads: 1 });
    const scores = await retrievalScores(session, c, { sink: 2, recent: 8, block: DISTANCE });
    await session.close();
    const copy = scores[COPY_LAYER][COPY_HEAD];
    const others = scores.flat().filter((_, i) => i !== COPY_LAYER * spec.kvHeads + COPY_HEAD);
    expect(copy).toBeGreaterThan(0.6);
    for (const v of others) expect(v).toBeLessThan(0.1);
    const pattern = patternFromScores(scores, 0.75, 2, 8);
    expect(pattern.layers).toEqual([[0, 0], [1, 0]]);
    expect(pattern.scores).toEqual(scores);
    // Half the heads streaming keeps the copy head and the next best.
    expect(pattern.layers.flat().filter((v) => v === 1)).toHaveLength(1);
    expect(patternFromScores(scores, 0.5, 2, 8).layers[COPY_LAYER][COPY_HEAD]).toBe(1);
  });

  it('profileModel writes a pattern and measures passkey accuracy at 0 / 25 / 50 / 75% streaming', async () => {
    const folder = handSetModel();
    const c = readDecoderConfig(folder);
    const report = await profileModel(folder, join(folder, 'onnx'), c, ChatTokenizer.load(folder, c.eosTokenIds), {
      sink: 2, recent: 8, block: DISTANCE, share: 0.75, precision: 'fp32', passkeyTrials: 1, fillerTokens: 60,
    });
    expect(report.pattern.layers[COPY_LAYER][COPY_HEAD]).toBe(1);
    expect(report.passkey.map((p) => p.streaming)).toEqual([0, 0.25, 0.5, 0.75]);
    for (const p of report.passkey) expect(p.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('imports a DuoAttention gate file (layers x key/value heads, clipped, cut by quantile)', () => {
    const c = readDecoderConfig(handSetModel());
    const p = importGateTsv('0.9\t-0.2\n1.7\t0.3\n', c, 0.5, 64, 256);
    expect(p.layers).toEqual([[1, 0], [1, 0]]);
    expect(p.scores).toEqual([[0.9, 0], [1, 0.3]]);
    expect(() => importGateTsv('0.1 0.2\n', c, 0.5, 64, 256)).toThrow(/2 lines of 2 numbers/);
  });

  it('wukong models profile <folder-model> writes duo-pattern.json, used by generate from then on', async () => {
    const home = tempHome();
    const src = handSetModel();
    const install = await runCli(['models', 'install', src, '--id', 'copyhead'], { WUKONG_HOME: home });
    expect(install.code).toBe(0);
    const run = await runCli(['models', 'profile', 'copyhead', '--streaming', '0.75', '--sink', '2', '--recent', '8', '--block', String(DISTANCE), '--precision', 'fp32', '--trials', '1', '--json'], { WUKONG_HOME: home });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.out) as { pattern: { layers: number[][] }; passkey: unknown[]; path: string };
    expect(out.pattern.layers).toEqual([[0, 0], [1, 0]]);
    expect(out.passkey).toHaveLength(4);
    const saved = JSON.parse(readFileSync(out.path, 'utf8')) as { sink: number; recent: number; layers: number[][] };
    expect(saved).toMatchObject({ sink: 2, recent: 8, layers: [[0, 0], [1, 0]] });
    const gen = await runCli(['generate', '--model', 'copyhead', '--ids', '5,6,7', '--max-tokens', '2', '--precision', 'fp32', '--json'], { WUKONG_HOME: home });
    expect(gen.code).toBe(0);
    expect((JSON.parse(gen.out) as { streaming_share: number }).streaming_share).toBe(0.75);
  });
});
