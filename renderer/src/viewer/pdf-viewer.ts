/**
 * <wk-viewer>: the PDF on pdfjs-dist, continuous scroll. Page placeholders exist for every page
 * (so the scrollbar is right for a 500-page file), but a page is drawn only while it is near the
 * viewport (IntersectionObserver) and its canvas is dropped again when it falls far behind.
 */
import { LitElement, html } from 'lit';
import type { Rect, UnitKind } from '../../../core/api.js';
import { CSS_UNITS } from '../pdf/pdfjs.js';
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';
import { PageTexts, type FindResult } from './find.js';
import type { OutlineNode } from './outline-nodes.js';
import { OutlineTree, pdfOutline } from './outline.js';
import { PageView } from './page-view.js';
import { ThumbnailStrip } from './thumbnails.js';
import { viewerStyles } from './viewer-styles.js';

/** What a citation or evidence item points at. */
export interface HighlightTarget {
  unitId: string;
  page: number;
  kind: UnitKind;
  bbox: Rect;
  lineRects: Rect[];
  /** Lines of the same evidence on later pages. */
  continuation?: { page: number; lineRects: Rect[] }[];
  /** The cited sentences: outlined, while the rest of the unit is only tinted. */
  spans?: { page: number; lineRects: Rect[] }[];
}

type Zoom = number | 'fit-width';

const MAX_RENDERED = 12;
const PAGE_GAP = 12;

export class PdfViewer extends LitElement {
  static override styles = viewerStyles;
  static override properties = {
    pdf: { attribute: false },
    label: { type: String },
    currentPage: { state: true },
    zoom: { state: true },
    findOpen: { state: true },
    findStatus: { state: true },
    sidebar: { state: true },
    sectionOutline: { attribute: false },
  };

  declare pdf: PDFDocumentProxy | null;
  declare label: string;
  declare currentPage: number;
  declare zoom: Zoom;
  declare findOpen: boolean;
  declare findStatus: string;
  /** The side panel shown left of the pages: page thumbnails or the outline. */
  declare sidebar: '' | 'thumbs' | 'outline';
  /**
   * The parsed section headings of the open document, for a file without bookmarks: the app fetches
   * them from the service only when the outline is first shown.
   */
  declare sectionOutline: (() => Promise<OutlineNode[]>) | undefined;

  private pages: PageView[] = [];
  private scale = CSS_UNITS;
  private visible = new Set<PageView>();
  private renderedOrder: PageView[] = [];
  private observer?: IntersectionObserver;
  private resizeObserver?: ResizeObserver;
  private loadedPdf: PDFDocumentProxy | null = null;
  private texts?: PageTexts;
  private findQuery = '';
  private findResult?: FindResult;
  private findIndex = -1;
  private findAbort?: AbortController;
  private thumbs?: ThumbnailStrip;
  private outlineTree?: OutlineTree;
  /** The open file's outline once read, and the file it was read for. */
  private outline?: { pdf: PDFDocumentProxy; loading: Promise<void> };
  private pumping = false;
  /** The file whose page placeholders exist: until then a highlight waits in `pending`. */
  private laidOut: PDFDocumentProxy | null = null;
  private pending?: HighlightTarget;
  private scrollFrame = 0;

  constructor() {
    super();
    this.pdf = null;
    this.label = '';
    this.currentPage = 1;
    this.zoom = 'fit-width';
    this.findOpen = false;
    this.findStatus = '';
    this.sidebar = '';
    this.sectionOutline = undefined;
  }

  private get scroller(): HTMLElement {
    return this.renderRoot.querySelector('.scroller')!;
  }

  private get pagesEl(): HTMLElement {
    return this.renderRoot.querySelector('.pages')!;
  }

  override firstUpdated(): void {
    this.thumbs = new ThumbnailStrip(this.renderRoot.querySelector('.thumbs')!, (p) => this.goToPage(p));
    this.outlineTree = new OutlineTree(this.renderRoot.querySelector('.outline')!, (place) => this.goToPage(place.page, place.y));
    this.resizeObserver = new ResizeObserver(() => {
      if (this.zoom === 'fit-width') this.applyZoom();
    });
    this.resizeObserver.observe(this.scroller);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.resizeObserver?.disconnect();
    this.thumbs?.dispose();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('pdf') && this.pdf !== this.loadedPdf) void this.load(this.pdf);
    if (this.sidebar === 'outline' && this.loadedPdf && this.outline?.pdf !== this.loadedPdf) void this.loadOutline(this.loadedPdf);
  }

  private toggleSidebar(panel: 'thumbs' | 'outline'): void {
    this.sidebar = this.sidebar === panel ? '' : panel;
  }

  /** Bookmarks first; the parsed headings only for a file that has none (one request, when first shown). */
  private loadOutline(pdf: PDFDocumentProxy): Promise<void> {
    const tree = this.outlineTree!;
    tree.show([], 'loading');
    const loading = (async () => {
      const marks = await pdfOutline(pdf).catch(() => []);
      if (marks.length) {
        if (pdf === this.loadedPdf) tree.show(marks, 'bookmarks');
        return;
      }
      const sections = await this.sectionOutline?.().catch(() => null);
      if (pdf !== this.loadedPdf) return;
      // A document still being read has no sections yet: ask again the next time the outline is shown.
      if (!sections) this.outline = undefined;
      tree.show(sections ?? [], sections?.length ? 'sections' : 'none');
    })();
    this.outline = { pdf, loading };
    return loading;
  }

  private async load(pdf: PDFDocumentProxy | null): Promise<void> {
    this.loadedPdf = pdf;
    this.laidOut = null;
    this.pending = undefined;
    this.observer?.disconnect();
    for (const p of this.pages) p.reset();
    this.pages = [];
    this.visible.clear();
    this.renderedOrder = [];
    this.pagesEl.replaceChildren();
    // A query typed for the previous file says nothing about this one; nor does its outline.
    this.closeFind();
    this.outline = undefined;
    this.outlineTree?.clear();
    const findInput = this.renderRoot.querySelector<HTMLInputElement>('.findbar input');
    if (findInput) findInput.value = '';
    this.texts = pdf ? new PageTexts(pdf) : undefined;
    this.currentPage = 1;
    // `pages` is not reactive: without this the toolbar keeps the previous file's "/ N".
    this.requestUpdate();
    if (!pdf) {
      void this.thumbs?.load(null, 1);
      return;
    }
    // One size for all placeholders first (fast for 500 pages), then the real sizes in the background.
    const first = await pdf.getPage(1).then((p) => p.getViewport({ scale: 1 }), (err: unknown) => {
      if (pdf === this.loadedPdf) throw err;
    });
    if (!first || pdf !== this.loadedPdf) return;
    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { root: this.scroller, rootMargin: '100% 0px' });
    for (let n = 1; n <= pdf.numPages; n++) {
      const view = new PageView(n, first.width, first.height, (page, y) => this.goToPage(page, y));
      this.pages.push(view);
      this.pagesEl.append(view.div);
    }
    this.applyZoom();
    for (const view of this.pages) this.observer.observe(view.div);
    this.laidOut = pdf;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.showHighlight(pending);
    void this.thumbs?.load(pdf, first.height / first.width);
    this.dispatchEvent(new CustomEvent('pdf-ready', { detail: { pageCount: pdf.numPages }, bubbles: true, composed: true }));
    this.measureAllPages(pdf).catch((err: unknown) => {
      if (pdf === this.loadedPdf) throw err;
    });
  }

  private async measureAllPages(pdf: PDFDocumentProxy): Promise<void> {
    for (const view of this.pages) {
      if (pdf !== this.loadedPdf) return;
      const vp = (await pdf.getPage(view.number)).getViewport({ scale: 1 });
      if (vp.width !== view.width || vp.height !== view.height) {
        view.width = vp.width;
        view.height = vp.height;
        view.layout(this.scale);
        if (view.state !== 'empty') {
          view.reset();
          this.schedule();
        }
      }
    }
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const view = this.pages[Number((entry.target as HTMLElement).dataset.pageNumber) - 1];
      if (!view) continue;
      if (entry.isIntersecting) this.visible.add(view);
      else this.visible.delete(view);
    }
    this.schedule();
  }

  /** Draws the pages in view one at a time, nearest to the current page first. */
  private schedule(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        for (;;) {
          const pdf = this.loadedPdf;
          const next = [...this.visible].filter((v) => v.state === 'empty').sort((a, b) => Math.abs(a.number - this.currentPage) - Math.abs(b.number - this.currentPage))[0];
          if (!pdf || !next) break;
          try {
            await next.render(pdf, this.findQuery);
          } catch (err) {
            // The app closes a file as soon as another is chosen, even mid-draw; only a live file's failure matters.
            if (pdf === this.loadedPdf) throw err;
            break;
          }
          this.renderedOrder = [...this.renderedOrder.filter((v) => v !== next), next];
          this.evict();
        }
      } finally {
        this.pumping = false;
      }
    })();
  }

  private evict(): void {
    while (this.renderedOrder.length > MAX_RENDERED) {
      const victim = this.renderedOrder.find((v) => !this.visible.has(v));
      if (!victim) break;
      victim.reset();
      this.renderedOrder = this.renderedOrder.filter((v) => v !== victim);
    }
  }

  private computeScale(): number {
    if (this.zoom !== 'fit-width') return this.zoom;
    const widest = Math.max(1, ...this.pages.map((p) => p.width));
    const avail = this.scroller.clientWidth - 32;
    return Math.max(0.25, avail / widest);
  }

  private applyZoom(): void {
    if (this.pages.length === 0) return;
    const scale = this.computeScale();
    if (Math.abs(scale - this.scale) < 0.001 && this.pages[0].div.dataset.scale) return;
    // Keep the same point of the same page in view across the zoom.
    const anchor = this.pages[this.currentPage - 1];
    const within = anchor ? (this.scroller.scrollTop - anchor.div.offsetTop) / this.scale : 0;
    this.scale = scale;
    for (const view of this.pages) {
      view.layout(scale);
      if (view.state !== 'empty') view.reset();
    }
    this.renderedOrder = [];
    if (anchor) this.scroller.scrollTop = anchor.div.offsetTop + within * scale;
    this.requestUpdate();
    this.schedule();
  }

  private setZoom(zoom: Zoom): void {
    this.zoom = typeof zoom === 'number' ? Math.min(6, Math.max(0.25, zoom)) : zoom;
    this.applyZoom();
  }

  zoomIn(): void {
    this.setZoom(this.scale * 1.2);
  }

  zoomOut(): void {
    this.setZoom(this.scale / 1.2);
  }

  fitWidth(): void {
    this.setZoom('fit-width');
  }

  private onScroll(): void {
    if (this.scrollFrame) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      const probe = this.scroller.scrollTop + this.scroller.clientHeight / 3;
      // Binary search: offsets grow with the page number.
      let lo = 0;
      let hi = this.pages.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.pages[mid].div.offsetTop <= probe) lo = mid;
        else hi = mid - 1;
      }
      if (this.pages.length) this.setCurrent(lo + 1);
    });
  }

  /** Every way of moving (scroll, find, thumbnails, citations) goes through here, so the app hears of each. */
  private setCurrent(page: number): void {
    if (page === this.currentPage) return;
    this.currentPage = page;
    this.thumbs?.setCurrent(page);
    this.dispatchEvent(new CustomEvent('page-change', { detail: { page }, bubbles: true, composed: true }));
  }

  /** Scrolls so that `y` points down page `page` sits a little below the top of the view. */
  goToPage(page: number, y = 0): void {
    const view = this.pages[Math.min(Math.max(page, 1), this.pages.length) - 1];
    if (!view) return;
    this.scroller.scrollTop = view.div.offsetTop + y * this.scale - (y > 0 ? this.scroller.clientHeight / 4 : PAGE_GAP / 2);
    this.setCurrent(view.number);
  }

  /**
   * Shows a cited unit: scroll to it and outline its exact lines (a figure: its region). With spans,
   * only the cited sentences are outlined and the rest of the unit is tinted, so the eye lands on them.
   */
  showHighlight(target: HighlightTarget): HTMLElement[] {
    // A citation that opened another document arrives before that file's pages are laid out.
    if (this.pdf && this.laidOut !== this.pdf) {
      this.pending = target;
      return [];
    }
    for (const view of this.pages) view.clearHighlights();
    const view = this.pages[target.page - 1];
    if (!view) return [];
    const rects = target.lineRects.length > 0 ? target.lineRects : [target.bbox];
    const region = target.kind === 'figure' || target.kind === 'table';
    const spans = region ? [] : (target.spans ?? []).filter((s) => s.lineRects.length && this.pages[s.page - 1]);
    const style = region ? 'figure' : spans.length ? 'context' : 'line';
    const els = view.addHighlight(target.unitId, region ? [target.bbox] : rects, style);
    for (const part of target.continuation ?? []) {
      const more = this.pages[part.page - 1];
      if (more && part.lineRects.length) els.push(...more.addHighlight(target.unitId, part.lineRects, style === 'context' ? 'context' : 'line'));
    }
    for (const s of spans) els.push(...this.pages[s.page - 1].addHighlight(target.unitId, s.lineRects, 'line'));
    const first = spans[0];
    if (first) this.goToPage(first.page, Math.min(...first.lineRects.map((r) => r[1])));
    else this.goToPage(target.page, Math.min(...(region ? [target.bbox] : rects).map((r) => r[1])));
    return els;
  }

  clearHighlights(): void {
    for (const view of this.pages) view.clearHighlights();
  }

  /** For tests and the app: the scale in CSS pixels per PDF point. */
  get currentScale(): number {
    return this.scale;
  }

  openFind(): void {
    this.findOpen = true;
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>('.findbar input');
      input?.focus();
      input?.select();
    });
  }

  private closeFind(): void {
    this.findOpen = false;
    this.findAbort?.abort();
    this.findQuery = '';
    this.findResult = undefined;
    this.findStatus = '';
    for (const view of this.pages) view.markFind('');
  }

  private async find(query: string, backwards: boolean): Promise<void> {
    if (!this.texts) return;
    if (query !== this.findQuery || !this.findResult) {
      this.findAbort?.abort();
      const abort = (this.findAbort = new AbortController());
      this.findQuery = query;
      this.findIndex = -1;
      this.findStatus = 'Searching…';
      const result = await this.texts.find(query, abort.signal, (p) => (this.findStatus = `Searching… page ${p}`));
      if (abort.signal.aborted) return;
      this.findResult = result;
      for (const view of this.pages) view.markFind(query);
    }
    const { pages, total } = this.findResult;
    if (pages.length === 0) {
      this.findStatus = 'Not found';
      return;
    }
    // Match by match: the first one from the current page on (backwards: before it), then each next, wrapping.
    const firstOf: number[] = [];
    pages.reduce((n, p) => (firstOf.push(n), n + p.count), 0);
    let index: number;
    if (this.findIndex >= 0) index = (this.findIndex + (backwards ? total - 1 : 1)) % total;
    else if (backwards) {
      const at = pages.map((p) => p.page).findLastIndex((p) => p < this.currentPage);
      index = at < 0 ? total - 1 : firstOf[at] + pages[at].count - 1;
    } else {
      const at = pages.findIndex((p) => p.page >= this.currentPage);
      index = at < 0 ? 0 : firstOf[at];
    }
    this.findIndex = index;
    const at = firstOf.findLastIndex((n) => n <= index);
    const { page } = pages[at];
    this.findStatus = `${index + 1} of ${total} matches — page ${page}`;
    this.goToPage(page);
    // The marks exist once the page's text layer is drawn; then bring the current one into view.
    const view = this.pages[page - 1];
    for (let i = 0; i < 40 && view.state !== 'rendered'; i++) await new Promise((r) => setTimeout(r, 50));
    const hits = view.findHits();
    for (const h of this.renderRoot.querySelectorAll('mark.find-hit.current')) h.classList.remove('current');
    // A match across two text runs is counted but has no mark: the nearest one stands for it.
    const hit = hits[Math.min(index - firstOf[at], hits.length - 1)];
    if (hit) {
      hit.classList.add('current');
      const run = hit.parentElement ?? hit;
      this.goToPage(page, run.offsetTop / this.scale);
    }
  }

  private onFindKey(e: KeyboardEvent): void {
    if (e.key === 'Enter') void this.find((e.target as HTMLInputElement).value, e.shiftKey);
    else if (e.key === 'Escape') this.closeFind();
  }

  private onPageInput(e: Event): void {
    const value = Number((e.target as HTMLInputElement).value);
    if (Number.isInteger(value)) this.goToPage(value);
  }

  override render() {
    const count = this.pages.length;
    const percent = Math.round((this.scale / CSS_UNITS) * 100);
    return html`
      <div class="toolbar" role="toolbar" aria-label="Viewer">
        <button @click=${() => this.toggleSidebar('thumbs')} aria-pressed=${String(this.sidebar === 'thumbs')} aria-label="Toggle thumbnails" title="Thumbnails">▤</button>
        <button @click=${() => this.toggleSidebar('outline')} aria-pressed=${String(this.sidebar === 'outline')} aria-label="Toggle outline" title="Outline">☰</button>
        <button @click=${() => this.goToPage(this.currentPage - 1)} ?disabled=${this.currentPage <= 1} aria-label="Previous page">◀</button>
        <input type="number" min="1" max=${count} .value=${count ? String(this.currentPage) : ''} ?disabled=${!count} @change=${this.onPageInput} aria-label="Page number" />
        <span aria-live="polite">/ ${count}</span>
        <button @click=${() => this.goToPage(this.currentPage + 1)} ?disabled=${this.currentPage >= count} aria-label="Next page">▶</button>
        <span class="spacer"></span>
        <button @click=${this.zoomOut} aria-label="Zoom out">−</button>
        <span class="zoom" aria-label="Zoom level">${percent}%</span>
        <button @click=${this.zoomIn} aria-label="Zoom in">+</button>
        <button @click=${this.fitWidth} aria-pressed=${String(this.zoom === 'fit-width')} aria-label="Fit width">Fit width</button>
        <button @click=${this.openFind} aria-label="Find in document" title="Find (Ctrl+F)">Find</button>
      </div>
      <div class="findbar" ?hidden=${!this.findOpen} role="search">
        <input type="search" placeholder="Find in document" aria-label="Find in document" @keydown=${this.onFindKey} />
        <span class="find-status" aria-live="polite">${this.findStatus}</span>
        <button @click=${this.closeFind} aria-label="Close find">✕</button>
      </div>
      <div class="body">
        <nav class="thumbs" ?hidden=${this.sidebar !== 'thumbs'} aria-label="Page thumbnails"></nav>
        <nav class="outline" ?hidden=${this.sidebar !== 'outline'} aria-label="Outline"></nav>
        <div class="scroller" @scroll=${this.onScroll} tabindex="0" aria-label=${this.label ? `Document: ${this.label}` : 'Document'}>
          ${this.pdf ? '' : html`<slot name="empty"><div class="empty">Open a PDF (Ctrl+O) or drop one here.</div></slot>`}
          <div class="pages"></div>
        </div>
      </div>
    `;
  }
}

customElements.define('wk-viewer', PdfViewer);
