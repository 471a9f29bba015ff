import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLargePdf } from '../../bench/memory/large-pdf.js';
import { openPdf } from '../../core/pdf/load.js';
import { parsePdfInWorker } from '../../core/pdf/worker-client.js';
import { REPAIR_MIN_BYTES, xrefTailRoom } from '../../core/pdf/xref-repair.js';
import { readWholeFile } from '../../core/util/fs.js';
import { ensureBuilt, root } from '../helpers/build.js';

const paper = join(root, '..', 'shared', 'corpus', 'lme4_lmer.pdf');
const folder = mkdtempSync(join(tmpdir(), 'wukong-large-xref-'));
const SIZE = REPAIR_MIN_BYTES + 2 ** 20;

/** A file just over the repair threshold: the paper and an unreferenced 33 MB stream (bench/memory's file). */
async function largeFile(damaged: boolean): Promise<string> {
  const file = join(folder, damaged ? 'damaged.pdf' : 'intact.pdf');
  if (!existsSync(file)) await writeLargePdf(paper, file, SIZE, damaged);
  return file;
}

describe.skipIf(!existsSync(paper))('large files with a broken cross-reference chain', () => {
  beforeAll(ensureBuilt);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('pdf.js reads the damaged file with the mended section appended, the intact one as it is', async () => {
    for (const damaged of [true, false]) {
      const file = await largeFile(damaged);
      const bytes = await readWholeFile(file, xrefTailRoom);
      const doc = await openPdf(bytes, undefined, { consume: true });
      try {
        // The length pdf.js holds: the file, plus the appended section when it was mended.
        const { length } = await doc.getDownloadInfo();
        if (damaged) {
          expect(length).toBeGreaterThan(statSync(file).size);
          expect(length - statSync(file).size).toBeLessThan(8192);
        } else expect(length).toBe(statSync(file).size);
        expect(doc.numPages).toBe(51);
      } finally {
        await doc.destroy();
      }
    }
  });

  it('the parse worker reads every page of the damaged file', async () => {
    const bytes = await readWholeFile(await largeFile(true), xrefTailRoom);
    const model = await parsePdfInWorker(bytes, 'damaged.pdf', { consume: true });
    expect(model.pageCount).toBe(51);
    expect(model.pages.filter((p) => p.warning)).toEqual([]);
    expect(model.units.length).toBeGreaterThan(300);
  });
});
