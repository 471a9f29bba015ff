/**
 * Training-free DuoAttention patterns. Each key/value head is scored by how much attention its
 * queries put outside the streaming window (past the sinks, before the recent window) while the
 * model reads the second copy of a block of random tokens: copying it needs a head that looks
 * back a block's length, which a sink + recent cache cannot serve. The lowest-scoring heads
 * become streaming heads. A passkey test then measures what each streaming share costs.
 *
 * DuoAttention's published gate files (TSV: one row per layer, one gate per key/value head) are
 * read the same way: gates clipped to [0, 1], the lowest quantile streaming.
 */
import type { Tensor } from 'onnxruntime-node';
import { WukongError } from '../errors.js';
import type { ChatTokenizer } from './chat.js';
import type { DecoderConfig } from './config.js';
import { DecoderSession } from './decoder-session.js';
import { allRetrieval, type DuoPattern } from './duo-pattern.js';
import { ensureGraph, type GraphRequest } from './graph-store.js';
import { argmax } from './sampling.js';

export interface ProfileOptions {
  sink: number;
  recent: number;
  /** Random prompts to average over (default 2). */
  samples?: number;
  /** Length of the repeated block (default 2 x recent, so the copy source lies outside the window). */
  block?: number;
  seed?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Per layer, per key/value head: mean attention mass outside sink + recent window (0..1). */
export async function retrievalScores(session: DecoderSession, c: DecoderConfig, o: ProfileOptions): Promise<number[][]> {
  const block = o.block ?? 2 * o.recent;
  const samples = o.samples ?? 2;
  const random = rng(o.seed ?? 1234);
  const scores = Array.from({ length: c.layers }, () => new Array<number>(c.kvHeads).fill(0));
  const G = c.heads / c.kvHeads;
  for (let s = 0; s < samples; s++) {
    // Random ids from the middle of the vocabulary: clear of special tokens at either end.
    const lo = Math.min(1000, Math.floor(c.vocabSize / 10));
    const span = c.vocabSize - 2 * lo;
    const tokens = Array.from({ length: block }, () => lo + Math.floor(random() * span));
    const prompt = [...tokens, ...tokens];
    const r = await session.step(session.empty(), prompt, block);
    for (let l = 0; l < c.layers; l++) {
      const t = r.attention.get(`attn.${l}.full`);
      if (!t) throw new WukongError('INTERNAL', undefined, `profiling graph has no attention output for layer ${l}`);
      accumulate(scores[l], t, block, o, G, samples);
    }
  }
  return scores;
}

function accumulate(row: number[], t: Tensor, first: number, o: ProfileOptions, G: number, samples: number): void {
  const [, heads, , rows, keys] = t.dims;
  const p = t.data as Float32Array;
  for (let h = 0; h < heads; h++) {
    let mass = 0;
    for (let g = 0; g < G; g++) {
      for (let r = 0; r < rows; r++) {
        const i = first + r;
        const base = ((h * G + g) * rows + r) * keys;
        // Keys a streaming head would not see: past the sinks, before the recent window.
        for (let j = o.sink; j <= i - o.recent; j++) mass += p[base + j];
      }
    }
    row[h] += mass / (G * rows * samples);
  }
}

/** The `share` of heads with the lowest scores become streaming (0); ties keep the earlier head. */
export function patternFromScores(scores: number[][], share: number, sink: number, recent: number): DuoPattern {
  const all = scores.flatMap((row, l) => row.map((v, h) => ({ l, h, v })));
  const streaming = Math.round(all.length * Math.min(1, Math.max(0, share)));
  const order = [...all].sort((a, b) => a.v - b.v || a.l - b.l || a.h - b.h);
  const layers = scores.map((row) => row.map(() => 1));
  for (const x of order.slice(0, streaming)) layers[x.l][x.h] = 0;
  return { sink, recent, layers, scores };
}

/** DuoAttention's gate TSV: one line per layer, tab/space separated gates per key/value head. */
export function importGateTsv(text: string, c: DecoderConfig, share: number, sink: number, recent: number): DuoPattern {
  const rows = text
    .trim()
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/[\t ,]+/).map(Number));
  if (rows.length !== c.layers || rows.some((r) => r.length !== c.kvHeads || r.some((v) => !Number.isFinite(v)))) {
    throw new WukongError('BAD_REQUEST', `The gate file must have ${c.layers} lines of ${c.kvHeads} numbers (layers x key/value heads).`);
  }
  const gates = rows.map((r) => r.map((v) => Math.min(1, Math.max(0, v))));
  return patternFromScores(gates, share, sink, recent);
}

/** Greedy passkey retrieval through a long filler; share of trials whose answer holds the key. */
export async function passkeyAccuracy(session: DecoderSession, tok: ChatTokenizer, o: { fillerTokens: number; trials: number; seed?: number }): Promise<number> {
  const random = rng(o.seed ?? 99);
  const filler = 'The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. ';
  const fillerIds = tok.encode(filler);
  let hits = 0;
  for (let t = 0; t < o.trials; t++) {
    const key = String(10000 + Math.floor(random() * 90000));
    const reps = Math.max(1, Math.round(o.fillerTokens / fillerIds.length));
    const at = Math.floor(random() * reps);
    const parts = ['There is an important pass key hidden inside a lot of irrelevant text. Find it and memorise it.\n'];
    for (let i = 0; i < reps; i++) parts.push(i === at ? `The pass key is ${key}. Remember it. ${key} is the pass key. ` : filler);
    const prompt = tok.encodeChat([{ role: 'user', content: `${parts.join('')}\nWhat is the pass key?` }]);
    const withLead = [...prompt, ...tok.encode('The pass key is')];
    let r = await session.prefill(session.empty(), withLead, 512);
    const out: number[] = [];
    let state = r.state;
    let next = argmax(r.logits.subarray((r.rows - 1) * session.vocab));
    for (let i = 0; i < 8 && !tok.stopIds.has(next); i++) {
      out.push(next);
      r = await session.step(state, [next]);
      state = r.state;
      next = argmax(r.logits);
    }
    if (tok.decode(out).includes(key)) hits++;
  }
  return hits / o.trials;
}

export interface ProfileReport {
  pattern: DuoPattern;
  passkey: { streaming: number; accuracy: number }[];
}

/**
 * Scores a model's heads, cuts a pattern at `share`, and measures passkey accuracy with the
 * patterns at 0 / 25 / 50 / 75% streaming (each built as its own graph).
 */
export async function profileModel(
  folder: string,
  cacheDir: string,
  c: DecoderConfig,
  tok: ChatTokenizer,
  o: ProfileOptions & { share: number; precision: GraphRequest['precision']; passkeyTrials?: number; fillerTokens?: number; onProgress?: (message: string) => void; shouldStop?: () => boolean },
): Promise<ProfileReport> {
  o.onProgress?.('Scoring attention heads');
  const probe = ensureGraph(folder, cacheDir, { precision: o.precision, pattern: allRetrieval(c), probe: true }, { shouldStop: o.shouldStop });
  const session = await DecoderSession.load(probe.onnxPath, c, probe.pattern);
  let scores: number[][];
  try {
    scores = await retrievalScores(session, c, o);
  } finally {
    await session.close();
  }
  const passkey: ProfileReport['passkey'] = [];
  for (const streaming of [0, 0.25, 0.5, 0.75]) {
    if (o.shouldStop?.()) throw new WukongError('CANCELLED');
    o.onProgress?.(`Passkey test at ${streaming * 100}% streaming heads`);
    const pattern = patternFromScores(scores, streaming, o.sink, o.recent);
    const built = ensureGraph(folder, cacheDir, { precision: o.precision, pattern: streaming ? pattern : undefined }, { shouldStop: o.shouldStop });
    const s = await DecoderSession.load(built.onnxPath, c, built.pattern);
    try {
      passkey.push({ streaming, accuracy: await passkeyAccuracy(s, tok, { fillerTokens: o.fillerTokens ?? 4 * (o.sink + o.recent), trials: o.passkeyTrials ?? 5 }) });
    } finally {
      await s.close();
    }
  }
  return { pattern: patternFromScores(scores, o.share, o.sink, o.recent), passkey };
}
