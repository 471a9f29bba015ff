/**
 * Damaged PDFs made from real ones, reproducibly: the same seed gives the same bytes on every machine, so
 * a file that once broke the parser can be named by its seed and made again. Shared by the fuzz test
 * (a few dozen files) and `npm run bench -- fuzz` (hundreds).
 */
import { WukongError } from '../core/errors.js';
import { parsePdfInWorker } from '../core/pdf/index.js';
import { seededRandom } from '../core/util/seeded-random.js';

export type MutationKind = 'bitflip' | 'truncate' | 'delete' | 'duplicate' | 'xref';
export const MUTATION_KINDS: readonly MutationKind[] = ['bitflip', 'truncate', 'delete', 'duplicate', 'xref'];

export interface Mutant {
  name: string;
  kind: MutationKind;
  bytes: Uint8Array;
}

export function mutate(source: Uint8Array, kind: MutationKind, seed: number): Uint8Array {
  const rand = seededRandom(seed);
  const at = (n: number): number => Math.floor(rand() * n);
  const n = source.byteLength;
  switch (kind) {
    case 'bitflip': {
      const out = new Uint8Array(source);
      const flips = 1 + at(40);
      for (let i = 0; i < flips; i++) out[at(n)] ^= 1 << at(8);
      return out;
    }
    case 'truncate':
      // Anywhere from just past the header to one byte short: interrupted downloads stop anywhere.
      return source.slice(0, 16 + at(n - 17));
    case 'delete': {
      const start = at(n);
      const len = 1 + at(Math.min(4096, n - start));
      return concat(source.subarray(0, start), source.subarray(start + len));
    }
    case 'duplicate': {
      const start = at(n);
      const len = 1 + at(Math.min(4096, n - start));
      const range = source.subarray(start, start + len);
      return concat(source.subarray(0, start + len), range, source.subarray(start + len));
    }
    case 'xref': {
      // The cross-reference section (table or stream) the trailer points at, overwritten with noise.
      const out = new Uint8Array(source);
      const text = Buffer.from(source.buffer, source.byteOffset, n).toString('latin1');
      const m = /startxref\s+(\d+)/.exec(text.slice(Math.max(0, n - 2048)));
      const offset = m && Number(m[1]) < n ? Number(m[1]) : Math.max(0, n - 1024);
      const len = 8 + at(Math.min(512, n - offset));
      for (let i = offset; i < Math.min(n, offset + len); i++) out[i] = at(256);
      return out;
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** `count` mutants spread evenly over the sources and the kinds of damage. */
export function mutants(sources: readonly { name: string; bytes: Uint8Array }[], count: number, seed = 1): Mutant[] {
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length];
    const kind = MUTATION_KINDS[Math.floor(i / sources.length) % MUTATION_KINDS.length];
    const s = seed * 100_003 + i;
    out.push({ name: `${src.name.replace(/\.pdf$/, '')}-${kind}-${s}`, kind, bytes: mutate(src.bytes, kind, s) });
  }
  return out;
}

export type Outcome =
  | { kind: 'document'; pages: number; pagesWithWarnings: number; units: number; ms: number }
  | { kind: 'error'; code: string; ms: number }
  | { kind: 'timeout'; ms: number };

/**
 * Parses as the app does (the worker thread), ended after `limitMs`: a damaged file must give a document or
 * a typed error in time. INTERNAL counts as an error outcome here and is judged by the caller.
 */
export async function parseMutant(bytes: Uint8Array, name: string, limitMs: number): Promise<Outcome> {
  const t0 = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limitMs);
  try {
    const doc = await parsePdfInWorker(bytes, `${name}.pdf`, { signal: controller.signal, pageTimeoutMs: Math.min(10_000, limitMs / 2) });
    const ms = performance.now() - t0;
    return { kind: 'document', pages: doc.pageCount, pagesWithWarnings: doc.pages.filter((p) => p.warning).length, units: doc.units.length, ms };
  } catch (err) {
    const ms = performance.now() - t0;
    if (controller.signal.aborted) return { kind: 'timeout', ms };
    return { kind: 'error', code: err instanceof WukongError ? err.code : 'UNTYPED', ms };
  } finally {
    clearTimeout(timer);
  }
}
