import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { mutants, mutate, parseMutant, type Outcome } from '../../bench/fuzz-corpus.js';
import { ensureBuilt, root } from '../helpers/build.js';

const corpus = join(root, '..', 'shared', 'corpus');

/**
 * The first pages of each paper, copied with their own fonts and content streams: damage lands on the same
 * kinds of bytes as in the whole file, and 50 parses fit in the test run (the whole files, 500 of them,
 * are `npm run bench -- fuzz`).
 */
async function excerpts(pages: number): Promise<{ name: string; bytes: Uint8Array }[]> {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const name of readdirSync(corpus).filter((f) => f.endsWith('.pdf')).sort()) {
    const src = await PDFDocument.load(readFileSync(join(corpus, name)));
    // No creation or modification date: the same excerpt, byte for byte, on every run, so seeds name the same files.
    const doc = await PDFDocument.create({ updateMetadata: false });
    for (const page of await doc.copyPages(src, [...Array(Math.min(pages, src.getPageCount())).keys()])) doc.addPage(page);
    out.push({ name, bytes: await doc.save() });
  }
  return out;
}

/** Typed errors a damaged file may honestly end in; INTERNAL or an untyped error is a bug. */
const DAMAGE_CODES = new Set(['CORRUPT_PDF', 'NOT_PDF', 'EMPTY_PDF', 'ENCRYPTED', 'NO_TEXT']);
const LIMIT_MS = 30_000;

describe.skipIf(!existsSync(corpus))('damaged copies of the corpus', () => {
  beforeAll(ensureBuilt);

  it('each of 50 seeded mutants gives a document or a typed error within the time limit', async () => {
    const results: { name: string; outcome: Outcome }[] = [];
    for (const m of mutants(await excerpts(4), 50)) results.push({ name: m.name, outcome: await parseMutant(m.bytes, m.name, LIMIT_MS) });
    const bad = results.filter(({ outcome: o }) => o.kind === 'timeout' || (o.kind === 'error' && !DAMAGE_CODES.has(o.code)));
    expect(bad).toEqual([]);
    // The mix is what makes the test worth running: some files survive whole, some in part, some not at all.
    expect(results.some(({ outcome: o }) => o.kind === 'document' && o.pagesWithWarnings > 0)).toBe(true);
    expect(results.some(({ outcome: o }) => o.kind === 'error' && o.code === 'CORRUPT_PDF')).toBe(true);
  });

  it('survives pdf.js TypeErrors thrown from its own prefetch on damaged object streams', async () => {
    // The two files of `npm run bench -- fuzz` (500, seed 1) that once ended as INTERNAL.
    for (const [name, seed] of [['vcd_strucplot.pdf', 100206], ['lme4_lmer.pdf', 100253]] as const) {
      const bytes = mutate(new Uint8Array(readFileSync(join(corpus, name))), 'bitflip', seed);
      const outcome = await parseMutant(bytes, name, LIMIT_MS);
      expect(outcome.kind === 'document' || (outcome.kind === 'error' && DAMAGE_CODES.has(outcome.code)), JSON.stringify(outcome)).toBe(true);
    }
  });

  it('wukong parse keeps the readable pages of a file whose damage leaves stray pdf.js rejections', () => {
    // Seed 2 flips bits that leave pdf.js rejections nobody awaits (ParserEOFException); they used to end the process.
    const src = new Uint8Array(readFileSync(join(corpus, 'vcd_strucplot.pdf')));
    const file = join(mkdtempSync(join(tmpdir(), 'wukong-fuzz-')), 'flipped.pdf');
    writeFileSync(file, mutate(src, 'bitflip', 2));
    const r = spawnSync(process.execPath, [join(root, 'bin', 'wukong.js'), 'parse', file, '--json'], { encoding: 'utf8', timeout: LIMIT_MS, maxBuffer: 64 * 2 ** 20 });
    expect(r.stderr).not.toMatch(/Unhandled|Exception/);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { pageCount: number; units: unknown[]; pages: { warning?: { code: string } }[] };
    const damaged = doc.pages.filter((p) => p.warning);
    expect(damaged.length).toBeGreaterThan(0);
    expect(damaged.every((p) => p.warning?.code === 'CORRUPT_PDF')).toBe(true);
    expect(damaged.length).toBeLessThan(doc.pageCount);
    expect(doc.units.length).toBeGreaterThan(100);
  });
});
