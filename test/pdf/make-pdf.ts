/** Small PDFs built in the tests, where the right answer is known exactly. */
import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { DocumentModel, Unit } from '../../core/model/document.js';

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

export async function makePdf(pages: ((page: PDFPage, fonts: Fonts, index: number) => void)[], size: [number, number] = [612, 792]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = { regular: await doc.embedFont(StandardFonts.TimesRoman), bold: await doc.embedFont(StandardFonts.TimesRomanBold) };
  pages.forEach((draw, i) => draw(doc.addPage(size), fonts, i));
  return doc.save({ useObjectStreams: false });
}

/** Draws text lines top-down starting at `top` (distance from the page top), one per `leading` points. */
export function lines(page: PDFPage, font: PDFFont, texts: string[], x: number, top: number, size = 10, leading = 12): number {
  const h = page.getHeight();
  texts.forEach((t, i) => page.drawText(t, { x, y: h - top - i * leading, size, font }));
  return top + texts.length * leading;
}

/** Numbered filler lines of body text about `topic`. */
export const body = (topic: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `Line ${i + 1} about ${topic} fills the text column of this page with ordinary words.`);

/** Draws runs of [text, font, size] one after another on one baseline. */
export function runs(page: PDFPage, parts: [string, PDFFont, number][], x: number, top: number): void {
  for (const [text, font, size] of parts) {
    page.drawText(text, { x, y: page.getHeight() - top, size, font });
    x += font.widthOfTextAtSize(`${text} `, size);
  }
}

/** The first unit whose text starts with `start`; a missing one fails the test by name. */
export function unitStarting(m: DocumentModel, start: string): Unit {
  const u = m.units.find((x) => x.text.startsWith(start));
  if (!u) throw new Error(`no unit starts with "${start}"`);
  return u;
}

/** A vector "plot": a frame and some bars, in top-left coordinates. */
export function drawPlot(page: PDFPage, x: number, top: number, w: number, h: number): void {
  const y = page.getHeight() - top - h;
  page.drawRectangle({ x, y, width: w, height: h, borderColor: rgb(0, 0, 0), borderWidth: 1 });
  for (let i = 0; i < 5; i++) page.drawRectangle({ x: x + 10 + i * (w / 6), y: y + 5, width: w / 10, height: (h - 20) * ((i + 1) / 6), color: rgb(0.2, 0.3, 0.8) });
}

export function rule(page: PDFPage, x0: number, x1: number, top: number): void {
  const y = page.getHeight() - top;
  page.drawLine({ start: { x: x0, y }, end: { x: x1, y }, thickness: 0.8, color: rgb(0, 0, 0) });
}

// ---- A hand-built RC4 (standard security handler, revision 2) encrypted PDF: pdf-lib cannot encrypt. ----

const PAD = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let k = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();
const padded = (pw: string): Buffer => Buffer.concat([Buffer.from(pw, 'latin1'), PAD]).subarray(0, 32);

export function makeEncryptedPdf(userPassword: string, ownerPassword: string, text: string): Uint8Array {
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const p = -4;
  const o = rc4(md5(padded(ownerPassword)).subarray(0, 5), padded(userPassword));
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  const key = md5(padded(userPassword), o, pBytes, id).subarray(0, 5);
  const u = rc4(key, PAD);
  const objKey = (num: number): Buffer => md5(key, Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0])).subarray(0, 10);
  const content = rc4(objKey(4), Buffer.from(`BT /F1 12 Tf 72 700 Td (${text}) Tj ET`, 'latin1'));
  const objs: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    Buffer.from(`<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${p} >>`),
  ];
  return writePdf(objs, `/Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>]`);
}

/** Serialises numbered objects (1..n, object 1 the catalog) with a correct xref table. */
export function writePdf(objs: Buffer[], trailerExtra = ''): Uint8Array {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let pos = chunks[0].length;
  objs.forEach((body, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(pos);
    chunks.push(chunk);
    pos += chunk.length;
  });
  const xref = ['xref', `0 ${objs.length + 1}`, '0000000000 65535 f ', ...offsets.map((off) => `${String(off).padStart(10, '0')} 00000 n `)].join('\n');
  chunks.push(Buffer.from(`${xref}\ntrailer\n<< /Size ${objs.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${pos}\n%%EOF\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

/** pdf-lib always adds a page on save, so a page tree with no pages is written by hand. */
export function makeEmptyPdf(): Uint8Array {
  return writePdf([Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'), Buffer.from('<< /Type /Pages /Kids [] /Count 0 >>')]);
}
