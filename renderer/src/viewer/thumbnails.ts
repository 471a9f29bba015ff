/** The page thumbnail strip: small canvases drawn only when they scroll into view. */
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';

const WIDTH = 110;

export class ThumbnailStrip {
  private observer?: IntersectionObserver;
  private buttons: HTMLButtonElement[] = [];

  constructor(private readonly container: HTMLElement, private readonly onPick: (page: number) => void) {}

  async load(pdf: PDFDocumentProxy | null, aspect: number): Promise<void> {
    this.observer?.disconnect();
    this.container.replaceChildren();
    this.buttons = [];
    if (!pdf) return;
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const button = entry.target as HTMLButtonElement;
        this.observer?.unobserve(button);
        // Rejects when the file is closed mid-draw (another document chosen): nothing left to draw.
        this.draw(pdf, Number(button.dataset.page), button.querySelector('canvas')!).catch(() => undefined);
      }
    }, { root: this.container, rootMargin: '200px 0px' });
    for (let p = 1; p <= pdf.numPages; p++) {
      const button = document.createElement('button');
      button.className = 'thumb';
      button.dataset.page = String(p);
      button.setAttribute('aria-label', `Go to page ${p}`);
      const canvas = document.createElement('canvas');
      canvas.className = 'img';
      canvas.style.height = `${WIDTH * aspect}px`;
      button.append(canvas, document.createTextNode(String(p)));
      button.addEventListener('click', () => this.onPick(p));
      this.container.append(button);
      this.buttons.push(button);
      this.observer.observe(button);
    }
  }

  setCurrent(page: number): void {
    for (const b of this.buttons) b.setAttribute('aria-current', String(b.dataset.page === String(page)));
    const current = this.buttons[page - 1];
    if (current && !this.container.hidden) current.scrollIntoView({ block: 'nearest' });
  }

  private async draw(pdf: PDFDocumentProxy, pageNumber: number, canvas: HTMLCanvasElement): Promise<void> {
    const page = await pdf.getPage(pageNumber);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (WIDTH * 2) / base.width });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.height = `${(WIDTH * viewport.height) / viewport.width}px`;
    await page.render({ canvas, viewport }).promise.catch(() => undefined);
  }

  dispose(): void {
    this.observer?.disconnect();
  }
}
