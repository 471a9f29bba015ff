/**
 * One page of the viewer: a placeholder of the right size until it scrolls into view, then a
 * canvas, a selectable text layer and a highlight layer. Everything inside the page is placed in
 * PDF points times `--total-scale-factor` (the pdf.js convention), so zooming only changes one
 * CSS variable and a re-render of the canvas; highlights never need to be moved.
 */
import type { Rect } from '../../../core/api.js';
import { TextLayer } from '../pdf/pdfjs.js';
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';
import { linkAreas } from './links.js';

/** Where an internal link of the page leads: the viewer scrolls there. */
export type LinkHandler = (page: number, y: number) => void;

export type PageState = 'empty' | 'rendering' | 'rendered';

export class PageView {
  readonly div: HTMLDivElement;
  readonly highlightLayer: HTMLDivElement;
  state: PageState = 'empty';
  /** Size in points at scale 1 (rotation applied), as the document model uses. */
  width: number;
  height: number;
  private scale = 1;
  private canvas?: HTMLCanvasElement;
  private textDiv?: HTMLDivElement;
  private cancel?: () => void;
  /** Bumped on every reset so a render that finishes late knows it is stale. */
  private generation = 0;

  constructor(
    readonly number: number,
    width: number,
    height: number,
    private readonly onLink?: LinkHandler,
  ) {
    this.width = width;
    this.height = height;
    this.div = document.createElement('div');
    this.div.className = 'page';
    this.div.dataset.pageNumber = String(number);
    this.div.setAttribute('role', 'region');
    this.div.setAttribute('aria-label', `Page ${number}`);
    this.highlightLayer = document.createElement('div');
    this.highlightLayer.className = 'highlightLayer';
    this.div.append(this.highlightLayer);
  }

  layout(scale: number): void {
    this.scale = scale;
    this.div.style.setProperty('--total-scale-factor', String(scale));
    this.div.style.width = `${this.width * scale}px`;
    this.div.style.height = `${this.height * scale}px`;
    this.div.dataset.scale = String(scale);
  }

  async render(pdf: PDFDocumentProxy, findQuery: string): Promise<void> {
    if (this.state !== 'empty') return;
    this.state = 'rendering';
    const generation = this.generation;
    const page = await pdf.getPage(this.number);
    const viewport = page.getViewport({ scale: this.scale });
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${viewport.width}px`;
    canvas.style.height = `${viewport.height}px`;
    canvas.setAttribute('aria-hidden', 'true');
    const task = page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
    this.cancel = () => task.cancel();
    try {
      await task.promise;
    } catch {
      if (generation === this.generation) this.state = 'empty';
      return;
    }
    if (generation !== this.generation) return;
    const textDiv = document.createElement('div');
    textDiv.className = 'textLayer';
    const textLayer = new TextLayer({ textContentSource: page.streamTextContent(), container: textDiv, viewport });
    this.cancel = () => textLayer.cancel();
    this.canvas = canvas;
    this.textDiv = textDiv;
    this.div.prepend(canvas, textDiv);
    try {
      await textLayer.render();
    } catch {
      // A cancelled text layer only loses selection on this page until it renders again.
    }
    if (generation !== this.generation) return;
    this.state = 'rendered';
    this.cancel = undefined;
    this.div.dataset.rendered = 'true';
    this.markFind(findQuery);
    void this.addLinks(pdf, generation);
  }

  private async addLinks(pdf: PDFDocumentProxy, generation: number): Promise<void> {
    // A page whose annotations cannot be read still shows; it just has no links.
    const areas = await pdf
      .getPage(this.number)
      .then((page) => linkAreas(pdf, page))
      .catch(() => []);
    if (generation !== this.generation || !areas.length || !this.textDiv) return;
    const layer = document.createElement('div');
    layer.className = 'linkLayer';
    for (const area of areas) {
      const a = document.createElement('a');
      const [x0, y0, x1, y1] = area.rect;
      a.style.left = `calc(var(--total-scale-factor) * ${x0}px)`;
      a.style.top = `calc(var(--total-scale-factor) * ${y0}px)`;
      a.style.width = `calc(var(--total-scale-factor) * ${x1 - x0}px)`;
      a.style.height = `calc(var(--total-scale-factor) * ${y1 - y0}px)`;
      if (area.url) {
        a.href = area.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        a.title = area.url;
      } else if (area.target) {
        const target = area.target;
        a.href = '#';
        a.dataset.internal = 'true';
        a.addEventListener('click', (e) => {
          e.preventDefault();
          void target().then((t) => t && this.onLink?.(t.page, t.y));
        });
      }
      layer.append(a);
    }
    this.textDiv.after(layer);
  }

  /** Frees the canvas (memory) when the page is far from view or the zoom changed. */
  reset(): void {
    this.generation++;
    this.cancel?.();
    this.cancel = undefined;
    this.canvas?.remove();
    this.textDiv?.remove();
    this.div.querySelector('.linkLayer')?.remove();
    this.canvas = undefined;
    this.textDiv = undefined;
    this.state = 'empty';
    delete this.div.dataset.rendered;
  }

  /**
   * Marks every occurrence of the find query inside the text runs (a <mark> around just the matched
   * characters, so the eye lands on the words, not the whole run); returns how many.
   */
  markFind(query: string): number {
    if (!this.textDiv) return 0;
    const q = query.toLowerCase();
    let hits = 0;
    for (const span of this.textDiv.querySelectorAll<HTMLElement>('span:not(.markedContent)')) {
      const text = span.textContent ?? '';
      // Runs marked for an earlier query go back to plain text first.
      if (span.querySelector('mark')) span.textContent = text;
      if (!q || !text.toLowerCase().includes(q)) continue;
      const lower = text.toLowerCase();
      const parts: (string | HTMLElement)[] = [];
      let from = 0;
      for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
        const mark = document.createElement('mark');
        mark.className = 'find-hit';
        mark.textContent = text.slice(i, i + q.length);
        parts.push(text.slice(from, i), mark);
        from = i + q.length;
        hits++;
      }
      parts.push(text.slice(from));
      span.replaceChildren(...parts);
    }
    return hits;
  }

  /** The find marks on this page in reading order (the text layer keeps pdf.js's order). */
  findHits(): HTMLElement[] {
    return [...(this.textDiv?.querySelectorAll<HTMLElement>('mark.find-hit') ?? [])];
  }

  clearHighlights(): void {
    this.highlightLayer.replaceChildren();
  }

  /** `line`: cited lines; `context`: the rest of a cited unit, tinted; `figure`: a region. */
  addHighlight(unitId: string, rects: readonly Rect[], style: 'line' | 'context' | 'figure'): HTMLElement[] {
    return rects.map((r, i) => {
      const el = document.createElement('div');
      el.className = style === 'line' ? 'highlight' : `highlight ${style}`;
      el.dataset.unitId = unitId;
      el.dataset.page = String(this.number);
      el.dataset.rect = String(i);
      // Points times the page's scale variable: the geometry.ts convention, straight to CSS.
      el.style.left = `calc(var(--total-scale-factor) * ${r[0]}px)`;
      el.style.top = `calc(var(--total-scale-factor) * ${r[1]}px)`;
      el.style.width = `calc(var(--total-scale-factor) * ${r[2] - r[0]}px)`;
      el.style.height = `calc(var(--total-scale-factor) * ${r[3] - r[1]}px)`;
      this.highlightLayer.append(el);
      return el;
    });
  }
}
