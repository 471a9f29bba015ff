import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import type { DocumentModel } from '../../core/model/document.js';

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');

describe.skipIf(!existsSync(corpus))('real papers in ../shared/corpus', () => {
  let lme4: DocumentModel;
  beforeAll(async () => {
    lme4 = await parsePdf(new Uint8Array(readFileSync(join(corpus, 'lme4_lmer.pdf'))), 'lme4_lmer.pdf');
  });

  it('reads lme4_lmer.pdf into ordered, sectioned units without running heads', () => {
    expect(lme4.pageCount).toBe(51);
    expect(lme4.pages.every((p) => p.hasText && p.columns === 1)).toBe(true);
    expect(lme4.units.length).toBeGreaterThan(300);
    expect(lme4.units.every((u, i) => u.id === 'u' + String(i).padStart(5, '0'))).toBe(true);
    // The running head "Douglas Bates, Martin Mächler, Ben Bolker, Steve Walker" sits on every other page.
    expect(lme4.units.some((u) => u.text.startsWith('Douglas Bates, Martin Mächler, Ben Bolker, Steve Walker'))).toBe(false);
    const top = lme4.sections.map((s) => s.title);
    expect(top).toEqual(expect.arrayContaining(['1. Introduction', '2. Formula module', '6. Conclusion']));
    const intro = lme4.sections.find((s) => s.title === '1. Introduction');
    expect(intro?.children.length).toBeGreaterThan(0);
    for (const u of lme4.units) {
      expect(u.bbox[0]).toBeLessThanOrEqual(u.bbox[2]);
      expect(u.bbox[1]).toBeLessThanOrEqual(u.bbox[3]);
      expect(u.bbox[3]).toBeLessThanOrEqual(lme4.pages[u.page - 1].height + 1);
    }
    expect(lme4.units.filter((u) => u.kind === 'reference').length).toBeGreaterThan(20);
  });

  it('finds Figure 1 and Table 1 with their captions, regions and region text', () => {
    const fig = lme4.units.find((u) => u.kind === 'figure' && u.label === 'Figure 1');
    expect(fig?.page).toBe(4);
    const cap = lme4.units.find((u) => u.id === fig?.captionId);
    expect(cap?.text.startsWith('Figure 1: Average reaction time')).toBe(true);
    expect(cap!.bbox[1]).toBeGreaterThan(fig!.bbox[3]);
    // The plot's tick labels are the figure's text, not paragraphs.
    expect(fig?.text).toContain('Days of sleep deprivation');
    expect(lme4.units.some((u) => u.kind === 'paragraph' && u.text.includes('Days of sleep deprivation') && u.page === 4)).toBe(false);
    const table = lme4.units.find((u) => u.kind === 'table' && u.label === 'Table 1');
    const tcap = lme4.units.find((u) => u.id === table?.captionId);
    // lme4 sets this caption below its table; the region holds every row, header included.
    expect(tcap!.bbox[1]).toBeGreaterThan(table!.bbox[3] - 1);
    expect(table?.text).toContain('lFormula');
    expect(table?.text).toContain('Module');
    // Mentions in the text point at the figure and table units.
    const citing = lme4.units.filter((u) => u.refs?.includes(fig!.id));
    expect(citing.length).toBeGreaterThan(0);
  });

  it('joins hyphenated words and expands ligatures in real text', () => {
    const all = lme4.units.map((u) => u.text).join('\n');
    expect(all).not.toMatch(/[\ufb00-\ufb06]/);
    expect(all).toContain('coefficients');
  });
});
