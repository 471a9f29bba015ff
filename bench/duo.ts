/**
 * `npm run bench -- duo [--contexts 2048,8192,16384] [--shapes qwen2.5-0.5b,smollm2-360m] [--shares 0,0.25,0.5,0.75]`:
 * DuoAttention-style caches against the full cache, with random weights at real shapes (cost does
 * not depend on weight values): KV bytes, decode ms/token, prefill ms (chunked, 512 a chunk) and
 * peak RSS at each context, for 0 / 25 / 50 / 75% streaming heads, sink 64, recent 256.
 * Each configuration runs in a fresh process; int4 weights, as the app runs them.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuoPattern } from '../core/llm/duo-pattern.js';
import { randomModel, SHAPES } from './llm/random-model.js';
import { log, measureInChild } from './llm/run-child.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared');
const work = join(tmpdir(), 'wukong-bench');

/** `share` of all key/value heads streaming, spread evenly over layers and heads. */
export function spreadPattern(layers: number, kvHeads: number, share: number, sink = 64, recent = 256): DuoPattern {
  const total = layers * kvHeads;
  const streaming = Math.round(total * share);
  const rows = Array.from({ length: layers }, () => Array<number>(kvHeads).fill(1));
  for (let i = 0; i < streaming; i++) {
    const slot = Math.floor((i * total) / streaming);
    // Walk layers first so each layer gets its share before any layer gets two.
    const layer = slot % layers;
    const head = Math.floor(slot / layers) % kvHeads;
    rows[layer][head] = 0;
  }
  return { sink, recent, layers: rows };
}

function list(args: string[], flag: string, fallback: string): string[] {
  const i = args.indexOf(flag);
  return (i >= 0 ? args[i + 1] : fallback).split(',').filter(Boolean);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const tokenizers = join(shared, 'tokenizers', 'SmolLM-360M-Instruct');
  if (!existsSync(tokenizers)) throw new Error('../shared/tokenizers is needed for this benchmark');
  const contexts = list(args, '--contexts', '2048,8192,16384').map(Number);
  const shapes = list(args, '--shapes', 'qwen2.5-0.5b,smollm2-360m');
  const shares = list(args, '--shares', '0,0.25,0.5,0.75').map(Number);
  const figures: Record<string, unknown> = { note: 'random weights at real shapes; int4; sink 64, recent 256; chunked prefill of 512', rows: [] };
  const rows = figures.rows as Record<string, unknown>[];
  for (const id of shapes) {
    const shape = SHAPES[id];
    const folder = randomModel(work, shape, tokenizers);
    const c = shape.config as Record<string, number>;
    for (const ctx of contexts) {
      if (ctx > c.max_position_embeddings - 64) continue;
      let full: { kv: number; decode: number; prefill: number } | undefined;
      for (const share of shares) {
        const pattern = spreadPattern(c.num_hidden_layers, c.num_key_value_heads, share);
        log(`${id} ${ctx} tokens, ${share * 100}% streaming`);
        const m = measureInChild({ folder, cacheDir: join(work, `graphs-${id}`), precision: 'int4', pattern: share ? pattern : undefined, prompts: [ctx], decode: 32 });
        const row = {
          model: id,
          context: ctx,
          streaming: share,
          kv_mb: Math.round(m.kvBytes / 1e5) / 10,
          decode_ms_per_token: m.decodeMsPerToken,
          prefill_ms: m.prefill[0].ms,
          peak_rss_mb: m.peakRssMb,
        };
        if (share === 0) full = { kv: m.kvBytes, decode: m.decodeMsPerToken, prefill: m.prefill[0].ms };
        else if (full) {
          Object.assign(row, {
            kv_vs_full: Math.round((m.kvBytes / full.kv) * 100) / 100,
            decode_vs_full: Math.round((m.decodeMsPerToken / full.decode) * 100) / 100,
            prefill_vs_full: Math.round((m.prefill[0].ms / full.prefill) * 100) / 100,
          });
        }
        rows.push(row);
        log(JSON.stringify(row));
      }
    }
  }
  return figures;
}
