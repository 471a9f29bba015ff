/**
 * The PDF's own links as areas over the page: internal ones (citations to the bibliography, "Figure 3",
 * "Section 2.1") jump within the viewer, web links open outside it. Areas are in points, placed like
 * highlights, so zooming never moves them.
 */
import type { Rect } from '../../../core/api.js';
import type { PDFDocumentProxy, PDFPageProxy } from '../pdf/pdfjs.js';

export interface LinkArea {
  rect: Rect;
  /** Web link. */
  url?: string;
  /** Internal link: resolves to a page and the y (points from its top) to show. */
  target?: () => Promise<{ page: number; y: number } | null>;
}

interface LinkAnnotation {
  subtype: string;
  rect: number[];
  url?: string;
  dest?: string | unknown[] | null;
}

/** Where a destination (named, or explicit [page, /XYZ left top zoom]) leads; null when the file has no such place. */
export async function resolveDest(pdf: PDFDocumentProxy, dest: string | unknown[]): Promise<{ page: number; y: number } | null> {
  const explicit = typeof dest === 'string' ? await pdf.getDestination(dest) : dest;
  if (!explicit?.length) return null;
  const ref = explicit[0];
  const index = typeof ref === 'number' ? ref : await pdf.getPageIndex(ref as Parameters<PDFDocumentProxy['getPageIndex']>[0]);
  const page = await pdf.getPage(index + 1);
  // /XYZ left top zoom: the top is in PDF space (y up); other kinds show the page from its top.
  const kind = (explicit[1] as { name?: string } | undefined)?.name;
  const top = kind === 'XYZ' && typeof explicit[3] === 'number' ? explicit[3] : null;
  const y = top === null ? 0 : page.getViewport({ scale: 1 }).convertToViewportPoint(0, top)[1];
  return { page: index + 1, y: Math.max(0, y) };
}

export async function linkAreas(pdf: PDFDocumentProxy, page: PDFPageProxy): Promise<LinkArea[]> {
  const viewport = page.getViewport({ scale: 1 });
  const out: LinkArea[] = [];
  for (const a of (await page.getAnnotations({ intent: 'display' })) as LinkAnnotation[]) {
    if (a.subtype !== 'Link' || a.rect?.length !== 4) continue;
    const [x0, y0, x1, y1] = viewport.convertToViewportRectangle(a.rect);
    const rect: Rect = [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
    const dest = a.dest;
    if (a.url && /^https?:\/\//i.test(a.url)) out.push({ rect, url: a.url });
    else if (dest) out.push({ rect, target: () => resolveDest(pdf, dest) });
  }
  return out;
}
