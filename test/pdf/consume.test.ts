import { beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../../core/pdf/load.js';
import { parsePdf, parsePdfInWorker } from '../../core/pdf/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { lines, makePdf } from './make-pdf.js';

const sample = (): Promise<Uint8Array> => makePdf([(page, f) => lines(page, f.regular, ['A page whose bytes are handed over, not copied.'], 72, 100)]);

/** The same document grown past the size below which parsePdf keeps its own copy: a long comment after it. */
function padded(pdf: Uint8Array, bytes: number): Uint8Array {
  const tail = Buffer.from(pdf.subarray(-64)).toString('latin1');
  const start = /startxref\s+(\d+)/.exec(tail)![1];
  const end = Buffer.from(`\nstartxref\n${start}\n%%EOF\n`, 'latin1');
  const out = new Uint8Array(pdf.byteLength + 2 + bytes + end.byteLength);
  out.set(pdf);
  out.set([0x0a, 0x25], pdf.byteLength);
  out.fill(0x78, pdf.byteLength + 2, pdf.byteLength + 2 + bytes);
  out.set(end, out.byteLength - end.byteLength);
  return out;
}

describe('handing the file bytes over instead of copying them', () => {
  beforeAll(ensureBuilt);

  it('openPdf copies the bytes unless the caller gives them up', async () => {
    const data = await sample();
    const kept = await openPdf(data);
    expect(data.byteLength).toBeGreaterThan(0);
    await kept.destroy();
    const given = new Uint8Array(data);
    const doc = await openPdf(given, undefined, { consume: true });
    expect(doc.numPages).toBe(1);
    expect(given.byteLength).toBe(0);
    await doc.destroy();
  });

  it('parsePdfInWorker moves given-up bytes to its thread and clones the rest', async () => {
    const data = await sample();
    const cloned = await parsePdfInWorker(data, 'a.pdf');
    expect(data.byteLength).toBeGreaterThan(0);
    const moved = new Uint8Array(data);
    const model = await parsePdfInWorker(moved, 'a.pdf', { consume: true });
    expect(moved.byteLength).toBe(0);
    expect(model.units).toEqual(cloned.units);
    expect(model).toMatchObject({ id: cloned.id, bytes: data.byteLength });
    // A view into a larger buffer cannot be moved without taking its neighbours along: it is cloned.
    const host = new Uint8Array(data.byteLength + 16);
    host.set(data, 16);
    const view = host.subarray(16);
    expect((await parsePdfInWorker(view, 'a.pdf', { consume: true })).id).toBe(cloned.id);
    expect(view.byteLength).toBe(data.byteLength);
  });

  it('parsePdf gives a large file to pdf.js as it is and keeps copying a small one, which it reads again', async () => {
    const small = await sample();
    await parsePdf(small, 's.pdf', { consume: true });
    expect(small.byteLength).toBeGreaterThan(0);
    const large = padded(small, 5 * 2 ** 20);
    const size = large.byteLength;
    const model = await parsePdf(large, 'l.pdf', { consume: true });
    expect(large.byteLength).toBe(0);
    expect(model.bytes).toBe(size);
    expect(model.units.map((u) => u.text).join(' ')).toContain('handed over');
  });
});
