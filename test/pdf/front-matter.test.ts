import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { markRepeatedTitle, tidyFrontMatter } from '../../core/pdf/front-matter.js';
import { makeLine } from '../../core/pdf/lines.js';
import { toBlock } from '../../core/pdf/paragraphs.js';
import type { Block, Glyphs } from '../../core/pdf/types.js';

const docs = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'qasper-mini', 'docs');

/** A run of text at (x, baseline) in the given size; widths at half an em a character. */
const run = (text: string, x: number, baseline: number, size: number): Glyphs => ({
  text,
  x0: x,
  x1: x + text.length * size * 0.5,
  y0: baseline - 0.8 * size,
  y1: baseline + 0.2 * size,
  baseline,
  size,
  font: 'f',
  vertical: false,
});
const block = (kind: Block['kind'], runs: Glyphs[]): Block => toBlock(kind, [makeLine(runs)], 1);

describe('front matter of a paper', () => {
  it('joins a title and a byline split at superscripts, and no byline is a heading', () => {
    const title1 = block('heading', [run('Sparse Evidence for Long', 150, 100, 18)]);
    const title2 = block('paragraph', [run('Academic Documents', 200, 122, 18)]);
    // "Ada Lovelace¹, Alan Turing²" come out of layout in three pieces, not in reading order.
    const a = block('heading', [run('Ada Lovelace', 200, 160, 11)]);
    const c = block('heading', [run(', Alan Turing', 269.5, 160, 11)]);
    const b = block('paragraph', [run('1', 266, 156, 7)]);
    const affil = block('heading', [run('University of Analytical Engines, London', 180, 180, 10)]);
    const abstract = block('heading', [run('Abstract', 280, 220, 11)]);
    const body = block('paragraph', [run('We read papers. '.repeat(12), 72, 240, 10)]);
    const out = tidyFrontMatter([title1, title2, a, c, b, affil, abstract, body]);
    expect(out.map((o) => [o.kind, o.text])).toEqual([
      ['heading', 'Sparse Evidence for Long Academic Documents'],
      ['paragraph', 'Ada Lovelace1, Alan Turing'],
      ['paragraph', 'University of Analytical Engines, London'],
      ['heading', 'Abstract'],
      ['paragraph', body.text],
    ]);
  });

  it('reads a byline with a serial comma before "and" as a byline, not a heading', () => {
    const title = block('heading', [run('Reading Long Papers Offline', 150, 100, 18)]);
    const names = block('heading', [run('Ada Lovelace, Alan Turing, and H. Grace Hopper', 160, 140, 11)]);
    const abstract = block('heading', [run('Abstract', 280, 220, 11)]);
    const body = block('paragraph', [run('We read papers. '.repeat(12), 72, 240, 10)]);
    expect(tidyFrontMatter([title, names, abstract, body]).map((o) => o.kind)).toEqual(['heading', 'paragraph', 'heading', 'paragraph']);
    // A journal's label above the title is no section.
    const label = block('heading', [run('Article', 72, 60, 11)]);
    expect(tidyFrontMatter([label, title, names, abstract, body]).map((o) => o.kind)).toEqual(['paragraph', 'heading', 'paragraph', 'heading', 'paragraph']);
    // The last name of a long byline alone on its line, its marks after a space.
    const last = block('heading', [run('June Ereño-Orbea 1,6', 160, 160, 11)]);
    expect(tidyFrontMatter([title, names, last, abstract, body]).map((o) => o.kind)).toEqual(['heading', 'paragraph', 'paragraph', 'heading', 'paragraph']);
  });

  it('reads names set side by side without commas as a byline (Journal of Statistical Software)', () => {
    const title = block('heading', [run('Fitting Mixed Models Offline', 150, 100, 17)]);
    // Four names, each its own run over its affiliation, one of them cut off by column detection.
    const names = toBlock('heading', [makeLine([run('Douglas Bates', 87, 160, 12)]), makeLine([run('Martin Mächler', 198, 160, 12), run('Benjamin M. Bolker', 301, 160, 12), run('Steven C. Walker', 426, 160, 12)])], 1);
    const abstract = block('heading', [run('Abstract', 280, 220, 11)]);
    const body = block('paragraph', [run('We read papers. '.repeat(12), 72, 240, 10)]);
    expect(tidyFrontMatter([title, names, abstract, body]).map((o) => o.kind)).toEqual(['heading', 'paragraph', 'heading', 'paragraph']);
  });

  it("takes the title under a journal's name set larger than it (Chemical Science)", () => {
    const journal = block('heading', [run('Chemical Science', 41, 50, 21)]);
    const label = block('heading', [run('EDGE ARTICLE', 51, 110, 16)]);
    const title = toBlock('heading', [makeLine([run('Generation of bright monomeric red', 173, 150, 16)]), makeLine([run('fluorescent proteins by design', 173, 168, 16)])], 1);
    const names = block('paragraph', [run('Ada Lovelace, Alan Turing and Grace Hopper', 173, 200, 10)]);
    const body = block('paragraph', [run('We read papers. '.repeat(12), 72, 240, 9)]);
    const out = tidyFrontMatter([journal, label, title, names, body]);
    expect(out.filter((o) => o.kind === 'heading').map((o) => o.text)).toEqual(['Generation of bright monomeric red fluorescent proteins by design']);
  });

  it('marks the title set again on the next page as a repeat, its label no heading', () => {
    const at = (kind: Block['kind'], text: string, page: number, top: number, size = 10): Block => toBlock(kind, [makeLine([run(text, 72, top, size)])], page);
    const blocks = [
      at('heading', 'An endogenous DNA virus in an amphibian-killing fungus', 1, 100, 20),
      at('heading', 'Highlights', 1, 140, 12),
      at('paragraph', 'The virus is new.', 1, 160),
      at('heading', 'Article', 2, 60, 12),
      at('heading', 'An endogenous DNA virus', 2, 100, 18),
      at('paragraph', 'in an amphibian-killing fungus', 2, 122, 18),
      at('heading', 'SUMMARY', 2, 180, 10),
      at('heading', 'An endogenous DNA virus spreads', 3, 100, 12),
    ];
    const out = markRepeatedTitle(blocks);
    expect(out.map((b) => [b.kind, b.text, b.repeatsTitle ?? false])).toEqual([
      ['heading', 'An endogenous DNA virus in an amphibian-killing fungus', false],
      ['heading', 'Highlights', false],
      ['paragraph', 'The virus is new.', false],
      ['paragraph', 'Article', false],
      ['heading', 'An endogenous DNA virus in an amphibian-killing fungus', true],
      ['heading', 'SUMMARY', false],
      ['heading', 'An endogenous DNA virus spreads', false],
    ]);
  });

  it('joins a byline broken at ORCID badges whose pieces layout stacked into blocks (G3)', () => {
    const title = block('heading', [run('Profiling Yeast Proteins Across Fermentation', 48, 120, 18)]);
    // Two visual lines, each cut where a badge stood; layout stacked the left pieces into one block and
    // left a mark from the end of the second line after the body.
    const left = toBlock('heading', [makeLine([run('Ada Lovelace', 48, 170, 9)]), makeLine([run(',2 Alan Turing', 48, 181, 9)])], 1);
    const right = block('heading', [run(',1 Grace Hopper', 116, 170, 9)]);
    const far = block('heading', [run(',3 Edsger Dijkstra', 197, 170, 9)]);
    const mark = block('paragraph', [run('1,*', 124, 181, 9)]);
    const affil = block('paragraph', [run('1 Department of Genome Sciences, University of Washington, Seattle', 48, 200, 6.5)]);
    const intro = block('heading', [run('Introduction', 48, 300, 11)]);
    const body = block('paragraph', [run('We read papers. '.repeat(12), 48, 320, 8)]);
    const out = tidyFrontMatter([title, right, far, left, affil, intro, body, mark]);
    expect(out.map((o) => [o.kind, o.text])).toEqual([
      ['heading', 'Profiling Yeast Proteins Across Fermentation'],
      ['paragraph', 'Ada Lovelace ,1 Grace Hopper ,3 Edsger Dijkstra ,2 Alan Turing 1,*'],
      ['paragraph', affil.text],
      ['heading', 'Introduction'],
      ['paragraph', body.text],
    ]);
  });

  it('puts a title line cut at the gutter back together, and leaves a sidebar beside a highlight apart', () => {
    // The title's first line runs across the gutter; layout stacked its left part over the second line.
    const left = toBlock('heading', [makeLine([run('Bridging contacts allow', 59, 120, 18)]), makeLine([run('DNA', 59, 142, 18)])], 1);
    const right = block('paragraph', [run('proteins to condense', 270, 120, 18)]);
    const highlight = toBlock('paragraph', [makeLine([run('Strains with the virus grow slower', 53, 270, 10)]), makeLine([run('but kill more frogs in the lab', 53, 282, 10)])], 1);
    const email = toBlock('paragraph', [makeLine([run('ada@example.org', 236, 270, 10)]), makeLine([run('alan@example.org', 236, 282, 10)])], 1);
    const intro = block('heading', [run('Introduction', 53, 400, 12)]);
    const body = block('paragraph', [run('We read papers. '.repeat(12), 53, 420, 10)]);
    expect(tidyFrontMatter([left, right, highlight, email, intro, body]).map((o) => [o.kind, o.text])).toEqual([
      ['heading', 'Bridging contacts allow proteins to condense DNA'],
      ['paragraph', highlight.text],
      ['paragraph', email.text],
      ['heading', 'Introduction'],
      ['paragraph', body.text],
    ]);
  });

  it('leaves a first page without a byline alone', () => {
    const h1 = block('heading', [run('Welcome to the guide', 72, 100, 20)]);
    const h2 = block('heading', [run('Getting started', 72, 140, 14)]);
    const p = block('paragraph', [run('Short text.', 72, 160, 10)]);
    expect(tidyFrontMatter([h1, h2, p]).map((o) => [o.kind, o.text])).toEqual([
      ['heading', 'Welcome to the guide'],
      ['heading', 'Getting started'],
      ['paragraph', 'Short text.'],
    ]);
  });

  it.skipIf(!existsSync(docs))('reads arXiv first pages as title, byline and affiliations', async () => {
    const first = async (f: string): Promise<[string, string][]> => {
      const m = await parsePdf(new Uint8Array(readFileSync(join(docs, f))), f);
      return m.units.filter((u) => u.page === 1).slice(0, 3).map((u) => [u.kind, u.text]);
    };
    expect(await first('1810.08699.pdf')).toEqual([
      ['heading', 'pioNER: Datasets and Baselines for Armenian Named Entity Recognition'],
      ['paragraph', 'Tsolak Ghukasyan1, Garnik Davtyan2, Karen Avetisyan3, Ivan Andrianov4'],
      expect.arrayContaining(['paragraph']),
    ]);
    expect((await first('2001.03131.pdf')).slice(0, 2)).toEqual([
      ['heading', 'Offensive Language Detection: A Comparative Analysis'],
      ['paragraph', 'Vyshnav M T∗, Sachin Kumar S, Soman K P'],
    ]);
    expect((await first('1909.00754.pdf'))[1]).toEqual(['paragraph', 'Liliang Ren, Jianmo Ni and Julian McAuley']);
  });
});
