import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDocument } from '../../core/pdf/pdfjs.js';
import { xrefChainUsable } from '../../core/pdf/xref-check.js';
import { scanObjects, xrefRepairFor, xrefRepairTail } from '../../core/pdf/xref-repair.js';
import { root } from '../helpers/build.js';

const corpus = join(root, '..', 'shared', 'corpus');
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

afterEach(() => vi.restoreAllMocks());

/** Page count and text as pdf.js reads them, and whether it had to rebuild the cross-references itself. */
async function readWithPdfjs(bytes: Uint8Array): Promise<{ pages: number; text: string; recovered: boolean }> {
  const warnings: string[] = [];
  vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void warnings.push(a.join(' ')));
  // Warnings on: pdf.js says "Indexing all PDF objects" when it falls back to its whole-file recovery.
  const doc = await getDocument({ data: bytes.slice(), verbosity: 1, isEvalSupported: false, useSystemFonts: false }).promise;
  try {
    let text = '';
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      text += content.items.map((i) => ('str' in i ? i.str : '')).join(' ') + '\n';
    }
    return { pages: doc.numPages, text, recovered: warnings.some((w) => w.includes('Indexing all PDF objects')) };
  } finally {
    await doc.destroy();
  }
}

function withTail(data: Uint8Array): Uint8Array {
  const tail = xrefRepairFor(data);
  if (!tail) throw new Error('no repair offered');
  const out = new Uint8Array(data.byteLength + tail.byteLength);
  out.set(data);
  out.set(tail, data.byteLength);
  return out;
}

/** The file with its last startxref leading past the end of the file. */
function startxrefPastEnd(data: Uint8Array): Uint8Array {
  const text = latin1(data);
  const at = text.lastIndexOf('startxref');
  return bytesOf(`${text.slice(0, at)}startxref\n${data.byteLength * 4}\n%%EOF\n`);
}

async function paperLike(useObjectStreams: boolean, pages = 3): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([400, 500]);
    for (let l = 0; l < 5; l++) page.drawText(`Page ${p + 1} line ${l + 1} of the text`, { x: 40, y: 450 - l * 20, size: 11, font });
  }
  return doc.save({ useObjectStreams });
}

/** Asserts the mended file reads as the intact one did, without pdf.js's own recovery. */
async function expectRepairedLike(intact: Uint8Array, damaged: Uint8Array): Promise<void> {
  const before = await readWithPdfjs(intact);
  expect(before.recovered).toBe(false);
  expect(xrefChainUsable(damaged)).toBe(false);
  const repaired = await readWithPdfjs(withTail(damaged));
  expect(repaired.recovered).toBe(false);
  expect(repaired.pages).toBe(before.pages);
  expect(repaired.text).toBe(before.text);
  expect(before.text.length).toBeGreaterThan(50);
}

describe('the cross-reference check', () => {
  it('accepts intact files with classic tables and with cross-reference streams', async () => {
    expect(xrefChainUsable(await paperLike(false))).toBe(true);
    expect(xrefChainUsable(await paperLike(true))).toBe(true);
  });

  it('rejects a startxref past the end, a missing startxref, shifted offsets and a cut-short stream', async () => {
    const classic = await paperLike(false);
    expect(xrefChainUsable(startxrefPastEnd(classic))).toBe(false);
    expect(xrefChainUsable(bytesOf(latin1(classic).replace(/startxref[\s\S]*$/, '')))).toBe(false);
    // Bytes inserted after the header move every object, so the table's offsets all miss.
    const text = latin1(classic);
    const line = text.indexOf('\n') + 1;
    expect(xrefChainUsable(bytesOf(text.slice(0, line) + '%junk junk junk\n' + text.slice(line)))).toBe(false);
    const streams = latin1(await paperLike(true));
    const stream = streams.lastIndexOf('stream\n', streams.lastIndexOf('endstream'));
    expect(xrefChainUsable(bytesOf(streams.slice(0, stream + 10) + streams.slice(stream + 14)))).toBe(false);
  });
});

describe('a broken cross-reference chain mended by an appended section', () => {
  it('a classic-table file whose startxref leads past the end', async () => {
    const intact = await paperLike(false);
    await expectRepairedLike(intact, startxrefPastEnd(intact));
  });

  it('a classic-table file whose table is overwritten with noise', async () => {
    const intact = await paperLike(false);
    const text = latin1(intact);
    const table = text.lastIndexOf('\nxref') + 1;
    const trailer = text.indexOf('trailer', table);
    // Words, not one long run of letters: pdf.js's lexer gives up on a token over 128 characters wherever it meets one.
    const noise = Array.from({ length: trailer - table }, (_, i) => (i % 9 === 8 ? ' ' : String.fromCharCode(0x41 + ((i * 7) % 26)))).join('');
    const damaged = bytesOf(text.slice(0, table) + noise + text.slice(trailer));
    expect(scanObjects(damaged).lastSection).toBe(-1);
    await expectRepairedLike(intact, damaged);
  });

  it('a file with object streams reaches their objects through its own cross-reference stream', async () => {
    const intact = await paperLike(true);
    const damaged = startxrefPastEnd(intact);
    const scan = scanObjects(damaged);
    // The pages and fonts are inside object streams, out of the scan's sight: only /Prev leads pdf.js to them.
    expect(scan.lastSection).toBeGreaterThan(0);
    expect(latin1(xrefRepairTail(damaged, scan)!)).toContain(`/Prev ${scan.lastSection}`);
    await expectRepairedLike(intact, damaged);
  });

  it('a file with an incremental update keeps the updated objects', async () => {
    const original = latin1(await paperLike(false, 2));
    // The update replaces page 1's content stream with one that says something else.
    const contents = /\/Contents \[ (\d+) 0 R/.exec(original)![1];
    const font = /\/Font\s*<<\s*\/(\S+)\s/.exec(original)![1];
    const content = `BT /${font} 12 Tf 40 400 Td (Rewritten by an update) Tj ET`;
    // pdf-lib ends the file right after %%EOF: the update starts on a line of its own.
    const object = `\n${contents} 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`;
    const objectAt = original.length + 1;
    const xrefAt = original.length + object.length;
    const prev = /startxref\s+(\d+)/.exec(original.slice(-64))![1];
    const size = /\/Size (\d+)/.exec(original)![1];
    const rootRef = /\/Root (\d+ \d+ R)/.exec(original)![1];
    const update = `${object}xref\n0 1\n0000000000 65535 f\r\n${contents} 1\n${String(objectAt).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size ${size} /Root ${rootRef} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const updated = bytesOf(original + update);
    expect(xrefChainUsable(updated)).toBe(true);
    const read = await readWithPdfjs(updated);
    expect(read.text).toContain('Rewritten by an update');
    expect(read.text).not.toContain('Page 1 line 1');
    await expectRepairedLike(updated, startxrefPastEnd(updated));
  });

  it('leaves a usable chain alone', async () => {
    expect(xrefRepairFor(await paperLike(true))).toBeNull();
  });

  it('names the catalogue itself when no trailer survives', async () => {
    const intact = await paperLike(false);
    const text = latin1(intact);
    const damaged = bytesOf(text.slice(0, text.lastIndexOf('\nxref') + 1));
    expect(scanObjects(damaged).catalog).not.toBeNull();
    await expectRepairedLike(intact, damaged);
  });

  it('offers nothing when there is no catalogue to name', () => {
    expect(xrefRepairTail(bytesOf('%PDF-1.7\n1 0 obj\n<< /Type /Page >>\nendobj\n'))).toBeNull();
  });
});

describe.skipIf(!existsSync(corpus))('corpus papers with their startxref broken', () => {
  for (const name of ['lme4_lmer.pdf', 'zoo.pdf']) {
    it(`${name} reads as before`, async () => {
      const intact = new Uint8Array(readFileSync(join(corpus, name)));
      expect(xrefChainUsable(intact)).toBe(true);
      await expectRepairedLike(intact, startxrefPastEnd(intact));
    });
  }
});
