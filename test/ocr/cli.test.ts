import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocumentModel } from '../../core/model/document.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { makeScannedPdf } from './scanned-pdf.js';

describe('wukong parse --ocr', () => {
  it('reads a scanned page only when asked', async () => {
    const file = join(tempHome(), 'scan.pdf');
    writeFileSync(file, await makeScannedPdf());
    const plain = await runCli(['parse', file]);
    expect(plain.out).toContain('(--ocr reads them)');
    const read = await runCli(['parse', file, '--ocr', '--json']);
    expect(read.code).toBe(0);
    const doc = JSON.parse(read.out) as DocumentModel;
    expect(doc.pages[0].ocr).toBe(true);
    expect(doc.units.map((u) => u.text).join(' ')).toContain('tamarind fruit');
  });
});
