import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRegionRenderer, parsePdf, parsePdfInWorker, renderRegionPng, type ParseProgress } from '../../core/pdf/index.js';
import { WukongError } from '../../core/errors.js';
import { ensureBuilt } from '../helpers/build.js';
import { drawPlot, lines, makeEncryptedPdf, makePdf } from './make-pdf.js';

const sample = (): Promise<Uint8Array> =>
  makePdf([
    (page, f) => lines(page, f.regular, ['A first page of text for the worker test.', 'It has two lines.'], 72, 100),
    (page, f) => {
      drawPlot(page, 100, 100, 200, 120);
      lines(page, f.regular, ['Figure 1: A small plot.'], 72, 240);
    },
  ]);

describe('parsePdfInWorker (compiled worker under dist/)', () => {
  beforeAll(ensureBuilt);

  it('gives the same model as the in-process parse, with progress', async () => {
    const data = await sample();
    const seen: ParseProgress[] = [];
    const viaWorker = await parsePdfInWorker(data, 'w.pdf', { onProgress: (p) => seen.push(p) });
    const direct = await parsePdf(data, 'w.pdf');
    expect(viaWorker.units).toEqual(direct.units);
    expect(viaWorker.id).toBe(direct.id);
    expect(seen).toEqual([
      { page: 1, pageCount: 2 },
      { page: 2, pageCount: 2 },
    ]);
    expect(data.byteLength).toBeGreaterThan(0); // the caller's bytes survive the hand-off
  });

  it('passes typed errors back and cancels', async () => {
    const notPdf = await parsePdfInWorker(new TextEncoder().encode('plain text'), 'x.txt').catch((e: unknown) => e);
    expect((notPdf as WukongError).code).toBe('NOT_PDF');
    const controller = new AbortController();
    const pending = parsePdfInWorker(await sample(), 'w.pdf', { signal: controller.signal });
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WukongError);
    expect((err as WukongError).code).toBe('CANCELLED');
  });
});

describe('renderRegionPng', () => {
  it('renders a figure crop at the requested scale', async () => {
    const data = await sample();
    const model = await parsePdf(data, 'r.pdf');
    const fig = model.units.find((u) => u.kind === 'figure');
    expect(fig).toBeDefined();
    const png = await renderRegionPng(data, fig!.page, fig!.bbox, 2);
    const buf = Buffer.from(png);
    expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
    const [x0, y0, x1, y1] = fig!.bbox;
    expect(buf.readUInt32BE(16)).toBe(Math.ceil((x1 - x0) * 2));
    expect(buf.readUInt32BE(20)).toBe(Math.ceil((y1 - y0) * 2));
    // The crop shows the plot's blue bars, not a blank page.
    const { createCanvas, loadImage } = createRequire(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
    const img = await loadImage(buf);
    const ctx = createCanvas(img.width, img.height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, img.width, img.height).data;
    let blue = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i + 2] > 150 && px[i] < 100) blue++;
    expect(blue).toBeGreaterThan(100);
    await expect(renderRegionPng(data, 9, [0, 0, 10, 10], 1)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Many crops from one opened document, encrypted ones included.
    const renderer = await openRegionRenderer(makeEncryptedPdf('pw', 'owner', 'Hidden text'), 'pw');
    try {
      const a = Buffer.from(await renderer.render(1, [72, 80, 272, 100], 1));
      const b = Buffer.from(await renderer.render(1, [0, 0, 612, 792], 0.5));
      expect([a.readUInt32BE(16), a.readUInt32BE(20)]).toEqual([200, 20]);
      expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([306, 396]);
      // The same crop as RGBA pixels, opaque (drawn on white), for a vision model's image processor.
      const px = await renderer.renderPixels(1, [72, 80, 272, 100], 1);
      expect([px.width, px.height, px.channels, px.data.length]).toEqual([200, 20, 4, 200 * 20 * 4]);
      expect(px.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
      expect(px.data.some((v, i) => i % 4 !== 3 && v < 128)).toBe(true);
    } finally {
      await renderer.close();
    }
  });
});
