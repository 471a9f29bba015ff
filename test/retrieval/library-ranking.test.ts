import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { indexDocument, retrieve, type ScopedDocument } from '../../core/retrieval/index.js';

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus');
const files = ['lme4_lmer', 'pscl_countreg', 'sandwich-CL', 'vcd_strucplot', 'zoo'];

/** Topic questions and the paper each is about. */
const questions: [string, string][] = [
  // Only lme4's bibliography names lattice ("Sarkar D (2008). lattice: Multivariate Data Visualization"),
  // the paper about visualizing multivariate data is vcd's.
  ['How is multivariate data visualization done with lattice?', 'vcd_strucplot'],
  ['How are mixed-effects models fitted?', 'lme4_lmer'],
  ['What is a mosaic plot?', 'vcd_strucplot'],
  ['What is a zero-inflated model for count data?', 'pscl_countreg'],
  ['How does zoo handle irregular time series?', 'zoo'],
  ['How are clustered covariances computed?', 'sandwich-CL'],
];

describe.skipIf(!files.every((f) => existsSync(join(corpus, `${f}.pdf`))))('library ranking over five real papers', () => {
  const library: (ScopedDocument & { name: string })[] = [];

  beforeAll(async () => {
    for (const name of files) {
      const doc = await parsePdf(new Uint8Array(readFileSync(join(corpus, `${name}.pdf`))), `${name}.pdf`);
      library.push({ name, doc, index: await indexDocument(doc) });
    }
  }, 120_000);

  const paperOf = (docId: string) => library.find((d) => d.doc.id === docId)!;

  it.each(questions)('%s: the top evidence comes from the paper about it, not from a bibliography', async (question, paper) => {
    const r = await retrieve(library, question, { retriever: 'bm25' });
    const top = r.evidence[0];
    const from = paperOf(top.docId);
    expect(from.doc.units.find((u) => u.id === top.unitId)!.kind).not.toBe('reference');
    expect(from.name).toBe(paper);
  });

  it('still finds a bibliography entry in a single paper, where it is the only match', async () => {
    const lme4 = library.find((d) => d.name === 'lme4_lmer')!;
    const r = await retrieve([lme4], 'Sarkar lattice multivariate data visualization', { retriever: 'bm25', k: 3 });
    expect(r.evidence.map((e) => lme4.doc.units.find((u) => u.id === e.unitId)!.kind)).toContain('reference');
  });
});
