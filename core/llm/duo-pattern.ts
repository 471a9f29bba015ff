/**
 * DuoAttention head patterns: per layer, per key/value head, 1 = retrieval (full cache) and
 * 0 = streaming (attention sinks + a recent window). A query at position i in a streaming head
 * sees key j iff j <= i and (j < sink or j > i - recent).
 */
import { readFileSync } from 'node:fs';
import { WukongError } from '../errors.js';
import type { DecoderConfig } from './config.js';

export interface DuoPattern {
  sink: number;
  recent: number;
  layers: number[][];
  /** Retrieval-head scores the pattern was cut from (profiled or imported gates), when known. */
  scores?: number[][];
}

export function readDuoPattern(path: string): DuoPattern {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WukongError('BAD_REQUEST', `The head pattern ${path} could not be read.`, String(err));
  }
  return checkDuoPattern(raw);
}

export function checkDuoPattern(raw: unknown): DuoPattern {
  const p = raw as Partial<DuoPattern> | null;
  const ok =
    p &&
    Number.isInteger(p.sink) &&
    Number.isInteger(p.recent) &&
    p.sink! >= 0 &&
    p.recent! >= 1 &&
    Array.isArray(p.layers) &&
    p.layers.every((row) => Array.isArray(row) && row.every((v) => v === 0 || v === 1));
  if (!ok) throw new WukongError('BAD_REQUEST', 'A head pattern needs {"sink": S, "recent": W, "layers": [[0|1, ...], ...]}.');
  return { sink: p.sink!, recent: p.recent!, layers: p.layers!, scores: p.scores };
}

/** Fails unless the pattern has one row per layer and one entry per key/value head. */
export function assertPatternFits(p: DuoPattern, c: DecoderConfig): void {
  if (p.layers.length !== c.layers || p.layers.some((row) => row.length !== c.kvHeads)) {
    throw new WukongError(
      'BAD_REQUEST',
      `The head pattern has ${p.layers.length} layers of ${p.layers[0]?.length ?? 0} heads; the model has ${c.layers} layers of ${c.kvHeads} key/value heads.`,
    );
  }
}

export function allRetrieval(c: DecoderConfig): DuoPattern {
  return { sink: 0, recent: 1, layers: Array.from({ length: c.layers }, () => Array<number>(c.kvHeads).fill(1)) };
}

export function streamingShare(p: DuoPattern): number {
  const all = p.layers.flat();
  return all.length ? all.filter((v) => v === 0).length / all.length : 0;
}

/** True when position i may attend position j in a streaming head. */
export function streamingSees(i: number, j: number, sink: number, recent: number): boolean {
  return j <= i && (j < sink || j > i - recent);
}
