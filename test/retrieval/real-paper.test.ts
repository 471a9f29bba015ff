import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { extractiveAnswer, indexDocument, retrieve } from '../../core/retrieval/index.js';
import { DEFAULT_K } from '../../core/retrieval/retrieve.js';

const lme4 = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'lme4_lmer.pdf');

describe.skipIf(!existsSync(lme4))('retrieval on a real 51-page paper (lme4)', () => {
  it('indexes, keeps the budget, finds a named figure and quotes an answer', async () => {
    const doc = await parsePdf(new Uint8Array(readFileSync(lme4)), 'lme4_lmer.pdf');
    const index = await indexDocument(doc);
    expect(JSON.parse(JSON.stringify(index)).items.length).toBe(index.items.length);

    const r = await retrieve([{ doc, index }], 'What is the penalized least squares problem solved at each iteration?', { retriever: 'bm25' });
    expect(r.evidence.length).toBeGreaterThan(0);
    expect(r.evidence.length).toBeLessThanOrEqual(DEFAULT_K);
    expect(r.evidence.reduce((a, e) => a + e.tokens, 0)).toBeLessThanOrEqual(2000);
    for (const e of r.evidence) {
      expect(e.page).toBeGreaterThanOrEqual(1);
      expect(e.page).toBeLessThanOrEqual(doc.pageCount);
      expect(e.lineRects.length).toBeGreaterThan(0);
      // Fed sentences are slices of their units, each with its own lines on the page.
      for (const s of e.spans ?? []) {
        const unit = doc.units.find((u) => u.id === s.unitId)!;
        expect(e.text.slice(s.offset, s.offset + s.end - s.start)).toBe(unit.text.slice(s.start, s.end));
        expect(s.lineRects.length).toBeGreaterThan(0);
      }
    }
    expect(r.evidence.map((e) => e.text).join(' ')).toMatch(/penalized least squares/i);

    const labelled = index.items.map((it) => doc.units.find((u) => u.id === it.unitId)!).find((u) => u.kind === 'figure' && u.label);
    if (labelled) {
      const f = await retrieve([{ doc, index }], `What does ${labelled.label} show?`, { retriever: 'bm25', k: 3 });
      expect(f.evidence[0].unitId).toBe(labelled.id);
    }

    const a = extractiveAnswer('What is the penalized least squares problem?', r.evidence);
    expect(a.answerable).toBe(true);
    expect(a.text).toMatch(/“.+” \[\d\]/);
    // A quote highlights its own sentence's lines, not the whole passage.
    const lines = a.citations.map((c) => (c.spans ?? []).reduce((n, s) => n + s.lineRects.length, 0));
    expect(Math.min(...lines)).toBeGreaterThan(0);
    expect(Math.min(...lines)).toBeLessThanOrEqual(6);
  });
});
