/** Renders pages without a text layer and reads them with tesseract: lines and paragraphs in PDF points. */
import type { Rect } from '../model/geometry.js';
import { roundRect } from '../model/geometry.js';
import { WukongError } from '../errors.js';
import { createOcrEngine, type OcrEngine, type OcrPageData } from './engine.js';

export interface OcrLine {
  text: string;
  /** Top-left page coordinates in points, like every unit. */
  bbox: Rect;
  /** Tesseract's 0-100 confidence. */
  confidence: number;
}

export interface OcrParagraph {
  lines: OcrLine[];
  bbox: Rect;
  confidence: number;
}

export interface OcrPage {
  page: number;
  paragraphs: OcrParagraph[];
  /** Render + recognition time. */
  ms: number;
}

export interface OcrOptions {
  password?: string;
  signal?: AbortSignal;
  /** Called before each page and after the last: `done` of `total` pages read so far. */
  onProgress?(done: number, total: number): void;
  /** Pixels per point: 2 (144 dpi) reads slide and body text well at a fraction of 300 dpi's cost. */
  scale?: number;
  /** Reuse an engine across calls (tests, benchmarks); otherwise one is made and terminated here. */
  engine?: OcrEngine;
  /** The caller gives the bytes up (see OpenPdfOptions.consume): pdf.js takes them without a copy. */
  consume?: boolean;
}

export const DEFAULT_OCR_SCALE = 2;

/** Everything from the origin on: the renderer clips to the page, so this renders the whole page. */
const WHOLE_PAGE: Rect = [0, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];

export async function ocrPages(data: Uint8Array, pages: readonly number[], options: OcrOptions = {}): Promise<OcrPage[]> {
  const scale = options.scale ?? DEFAULT_OCR_SCALE;
  const out: OcrPage[] = [];
  if (pages.length === 0) return out;
  throwIfCancelled(options.signal);
  // pdf.js is loaded into this thread only once a page needs OCR, not by every process that imports the service.
  const { openRegionRenderer } = await import('../pdf/render.js');
  const renderer = await openRegionRenderer(data, options.password, { consume: options.consume });
  let engine = options.engine;
  try {
    engine ??= await createOcrEngine();
    for (const page of pages) {
      options.onProgress?.(out.length, pages.length);
      throwIfCancelled(options.signal);
      const t0 = performance.now();
      const png = await renderer.render(page, WHOLE_PAGE, scale);
      throwIfCancelled(options.signal);
      const result = await untilCancelled(engine.recognize(png), options.signal);
      out.push({ page, paragraphs: toParagraphs(result, scale), ms: Math.round(performance.now() - t0) });
    }
    options.onProgress?.(out.length, pages.length);
    return out;
  } finally {
    if (!options.engine) await engine?.terminate().catch(() => undefined);
    await renderer.close();
  }
}

function toParagraphs(result: OcrPageData, scale: number): OcrParagraph[] {
  const box = (b: { x0: number; y0: number; x1: number; y1: number }): Rect => roundRect([b.x0 / scale, b.y0 / scale, b.x1 / scale, b.y1 / scale]);
  const paragraphs: OcrParagraph[] = [];
  for (const block of result.blocks ?? []) {
    for (const p of block.paragraphs) {
      const lines = p.lines.map((l) => ({ text: l.text.replace(/\s+/g, ' ').trim(), bbox: box(l.bbox), confidence: l.confidence }));
      paragraphs.push({ lines, bbox: box(p.bbox), confidence: p.confidence });
    }
  }
  return paragraphs;
}

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new WukongError('CANCELLED');
}

/** A page takes seconds to read: cancelling must not wait for it (the worker is terminated right after). */
function untilCancelled<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new WukongError('CANCELLED'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
