/**
 * `npm run bench -- fuzz [count] [seed]`: seeded damaged copies of ../shared/corpus (bit flips, truncation,
 * deleted and duplicated ranges, an overwritten cross-reference section), each parsed in the worker thread as
 * the app does, with a time limit. Every file must end as a document (whole or with unreadable pages
 * reported) or a typed error; INTERNAL, untyped errors and timeouts are failures and are listed by name,
 * so `mutate(source, kind, seed)` makes the file again.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATION_KINDS, mutants, parseMutant, type MutationKind } from './fuzz-corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'corpus');
const LIMIT_MS = 60_000;
const FAILURE_CODES = new Set(['INTERNAL', 'UNTYPED']);

export async function run(args: string[]): Promise<Record<string, unknown>> {
  if (!existsSync(corpus)) return { skipped: `no ${corpus}` };
  const count = Number(args[0] ?? 500);
  const seed = Number(args[1] ?? 1);
  const sources = readdirSync(corpus)
    .filter((f) => f.endsWith('.pdf'))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(corpus, name))) }));
  const byKind = Object.fromEntries(MUTATION_KINDS.map((k) => [k, {} as Record<string, number>])) as Record<MutationKind, Record<string, number>>;
  const totals: Record<string, number> = {};
  const failures: string[] = [];
  const times: number[] = [];
  const started = performance.now();
  for (const m of mutants(sources, count, seed)) {
    const o = await parseMutant(m.bytes, m.name, LIMIT_MS);
    const label =
      o.kind === 'document' ? (o.pagesWithWarnings ? 'partial document' : 'whole document') : o.kind === 'timeout' ? 'timeout' : o.code;
    byKind[m.kind][label] = (byKind[m.kind][label] ?? 0) + 1;
    totals[label] = (totals[label] ?? 0) + 1;
    times.push(o.ms);
    if (o.kind === 'timeout' || (o.kind === 'error' && FAILURE_CODES.has(o.code))) failures.push(`${m.name}: ${label}`);
    process.stderr.write(`\r${times.length}/${count}`);
  }
  process.stderr.write('\n');
  times.sort((a, b) => a - b);
  return {
    files: count,
    seed,
    limitMs: LIMIT_MS,
    outcomes: totals,
    byKind,
    failures: failures.length,
    failed: failures,
    medianMs: Math.round(times[Math.floor(times.length / 2)]),
    maxMs: Math.round(times[times.length - 1]),
    totalS: Math.round((performance.now() - started) / 1000),
  };
}
