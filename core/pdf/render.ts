/** Crops of a page region rendered to PNG on demand (figure thumbnails, input for vision models). */
import { createRequire } from 'node:module';
import type { Rect } from '../model/geometry.js';
import { WukongError } from '../errors.js';
import { openPdf, type OpenPdfOptions } from './load.js';
import type { PDFPageProxy } from './pdfjs.js';

type RenderCanvas = Parameters<PDFPageProxy['render']>[0]['canvas'];

// pdf.js polyfills Path2D from the @napi-rs/canvas that *it* resolves (npm may nest a different major under
// pdfjs-dist); a canvas from another copy rejects those paths, so take createCanvas from the same copy.
const pdfjsRequire = createRequire(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const { createCanvas } = pdfjsRequire('@napi-rs/canvas') as typeof import('@napi-rs/canvas');

/** Keeps a runaway scale from allocating gigabytes of pixels. */
const MAX_PIXELS = 40_000_000;

export interface RgbaPixels {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes per pixel. */
  data: Uint8Array;
  channels: 4;
}

export interface RegionRenderer {
  /** PNG bytes of `rect` (top-left page coordinates, points) on 1-indexed `page`, at `scale` pixels per point. */
  render(page: number, rect: Rect, scale: number): Promise<Uint8Array>;
  /** The same crop as RGBA pixels (opaque: the page is drawn on white), e.g. for a vision model's image processor. */
  renderPixels(page: number, rect: Rect, scale: number): Promise<RgbaPixels>;
  close(): Promise<void>;
}

/** Opens the document once for many crops (`wukong parse --png-dir` renders every figure and table). */
export async function openRegionRenderer(data: Uint8Array, password?: string, options: OpenPdfOptions = {}): Promise<RegionRenderer> {
  const doc = await openPdf(data, password, options);
  /** Draws `rect` of `page` at `scale` on a fresh canvas (white background). */
  async function draw(page: number, rect: Rect, scale: number): Promise<import('@napi-rs/canvas').Canvas> {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new WukongError('BAD_REQUEST', 'The scale must be a positive number.');
    if (!Number.isInteger(page) || page < 1 || page > doc.numPages) {
      throw new WukongError('BAD_REQUEST', `Page ${page} is outside 1-${doc.numPages}.`);
    }
    const p = await doc.getPage(page);
    try {
      const viewport = p.getViewport({ scale });
      const x0 = Math.max(0, Math.min(rect[0], rect[2]));
      const y0 = Math.max(0, Math.min(rect[1], rect[3]));
      const x1 = Math.min(viewport.width / scale, Math.max(rect[0], rect[2]));
      const y1 = Math.min(viewport.height / scale, Math.max(rect[1], rect[3]));
      const w = Math.max(1, Math.ceil((x1 - x0) * scale));
      const h = Math.max(1, Math.ceil((y1 - y0) * scale));
      if (w * h > MAX_PIXELS) throw new WukongError('BAD_REQUEST', `A ${w}x${h} crop is too large to render.`);
      const canvas = createCanvas(w, h);
      // The extra transform shifts the page so the region's top-left corner lands on the canvas origin.
      await p.render({
        canvas: canvas as unknown as RenderCanvas,
        viewport,
        transform: [1, 0, 0, 1, -x0 * scale, -y0 * scale],
        background: 'white',
      }).promise;
      return canvas;
    } finally {
      p.cleanup();
    }
  }
  return {
    async render(page: number, rect: Rect, scale: number): Promise<Uint8Array> {
      // Encoded on this thread: @napi-rs/canvas's async encode runs on libuv's pool and crashed the process
      // (SIGSEGV in skia, a null call from the pool thread) under load during OCR of scanned pages.
      const png = (await draw(page, rect, scale)).encodeSync('png');
      return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
    },
    async renderPixels(page: number, rect: Rect, scale: number): Promise<RgbaPixels> {
      const canvas = await draw(page, rect, scale);
      const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), channels: 4 };
    },
    async close(): Promise<void> {
      await doc.destroy().catch(() => undefined);
    },
  };
}

/** Renders a region of a page to PNG bytes (for thumbnails and vision models). */
export async function renderRegionPng(data: Uint8Array, page: number, rect: Rect, scale: number): Promise<Uint8Array> {
  const renderer = await openRegionRenderer(data);
  try {
    return await renderer.render(page, rect, scale);
  } finally {
    await renderer.close();
  }
}
