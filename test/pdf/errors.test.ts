import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { WukongError } from '../../core/errors.js';
import { lines, makeEmptyPdf, makeEncryptedPdf, makePdf } from './make-pdf.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    expect(e).toBeInstanceOf(WukongError);
    return (e as WukongError).code;
  }
}

const sample = (): Promise<Uint8Array> =>
  makePdf([0, 1, 2].map(() => (page, f) => lines(page, f.regular, Array.from({ length: 30 }, (_, i) => `Sentence ${i} of a plain page of text.`), 72, 72)));

describe('bad input gets typed errors', () => {
  it('refuses bytes that are not a PDF with NOT_PDF', async () => {
    expect(await code(parsePdf(new TextEncoder().encode('hello, this is a text file'), 'a.txt'))).toBe('NOT_PDF');
  });

  it('reports a truncated file and a damaged file as CORRUPT_PDF', async () => {
    const good = await sample();
    expect(await code(parsePdf(good.slice(0, Math.floor(good.length / 2)), 't.pdf'))).toBe('CORRUPT_PDF');
    const junk = new TextEncoder().encode('%PDF-1.7\n' + 'garbage '.repeat(300));
    expect(await code(parsePdf(junk, 'j.pdf'))).toBe('CORRUPT_PDF');
  });

  it('refuses files over maxBytes with TOO_LARGE before reading them', async () => {
    const good = await sample();
    expect(await code(parsePdf(good, 'big.pdf', { maxBytes: good.length - 1 }))).toBe('TOO_LARGE');
    expect((await parsePdf(good, 'ok.pdf', { maxBytes: good.length })).pageCount).toBe(3);
  });

  it('reports a PDF with no pages as EMPTY_PDF', async () => {
    expect(await code(parsePdf(makeEmptyPdf(), 'e.pdf'))).toBe('EMPTY_PDF');
  });

  it('needs the password of an encrypted PDF: ENCRYPTED without, BAD_PASSWORD when wrong, text when right', async () => {
    const data = makeEncryptedPdf('open sesame', 'owner', 'Secret findings about lemurs.');
    expect(await code(parsePdf(data, 'enc.pdf'))).toBe('ENCRYPTED');
    expect(await code(parsePdf(data, 'enc.pdf', { password: 'wrong' }))).toBe('BAD_PASSWORD');
    const model = await parsePdf(data, 'enc.pdf', { password: 'open sesame' });
    expect(model.units.map((u) => u.text).join(' ')).toContain('Secret findings about lemurs.');
  });

  it('stops with CANCELLED when the signal is already aborted', async () => {
    const c = new AbortController();
    c.abort();
    expect(await code(parsePdf(await sample(), 's.pdf', { signal: c.signal }))).toBe('CANCELLED');
  });
});
