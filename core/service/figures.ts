/**
 * Figure and table crops for a vision-language model: the region of a chosen evidence unit,
 * rendered from the stored PDF with its longest edge about 512 pixels (the model's one tile),
 * plus a small PNG for the app's evidence list. Crops are kept per (document, unit), so a
 * follow-up question about the same figure renders nothing.
 */
import type { Evidence } from '../api.js';
import type { PixelBuffer } from '../llm/vision/preprocess.js';

/** Figures cost seconds each on a small CPU: at most this many go to the model per question. */
export const MAX_IMAGES = 2;
/** Longest edge of the crop given to the model, in pixels. */
export const CROP_EDGE = 512;
/** Longest edge of the thumbnail shown with the evidence. */
export const THUMB_EDGE = 192;
const CACHE_SIZE = 32;

export interface FigureCrop {
  docId: string;
  unitId: string;
  pixels: PixelBuffer;
  /** data:image/png;base64,... */
  thumbnail: string;
}

/** The evidence a vision model reads as images: figures and tables, best ranked first, at most MAX_IMAGES. */
export function figureEvidence(evidence: Evidence[], max = MAX_IMAGES): Evidence[] {
  return evidence
    .filter((e) => (e.kind === 'figure' || e.kind === 'table') && e.bbox[2] > e.bbox[0] && e.bbox[3] > e.bbox[1])
    .sort((a, b) => a.rank - b.rank)
    .slice(0, max);
}

export class FigureCrops {
  private readonly cache = new Map<string, Promise<FigureCrop | null>>();

  constructor(private readonly readFile: (docId: string) => Promise<Uint8Array>) {}

  /** Crops of these evidence units, in order; a unit that cannot be rendered (an encrypted file, a damaged page) is left out. */
  async crops(evidence: Evidence[]): Promise<FigureCrop[]> {
    const out: FigureCrop[] = [];
    for (const e of evidence) {
      const c = await this.crop(e);
      if (c) out.push(c);
    }
    return out;
  }

  private crop(e: Evidence): Promise<FigureCrop | null> {
    const key = `${e.docId}\u0000${e.unitId}`;
    let p = this.cache.get(key);
    if (p) {
      // Most recently used last.
      this.cache.delete(key);
    } else {
      p = this.render(e).catch(() => null);
    }
    this.cache.set(key, p);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  private async render(e: Evidence): Promise<FigureCrop> {
    // A fresh read of the stored file, given up to pdf.js: no copy of it outlives the crop.
    // pdf.js is loaded into this thread on the first crop, not when the service starts (~45 MB).
    const { openRegionRenderer } = await import('../pdf/render.js');
    const renderer = await openRegionRenderer(await this.readFile(e.docId), undefined, { consume: true });
    try {
      const edge = Math.max(e.bbox[2] - e.bbox[0], e.bbox[3] - e.bbox[1]);
      const pixels = await renderer.renderPixels(e.page, e.bbox, CROP_EDGE / edge);
      const png = await renderer.render(e.page, e.bbox, THUMB_EDGE / edge);
      return { docId: e.docId, unitId: e.unitId, pixels, thumbnail: `data:image/png;base64,${Buffer.from(png).toString('base64')}` };
    } finally {
      await renderer.close();
    }
  }

  clear(): void {
    this.cache.clear();
  }
}
