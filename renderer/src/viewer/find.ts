/**
 * Find in document: searches every page's text (extracted once, lazily, then cached) and
 * returns the pages that hold the query, in order, with how many times each does.
 */
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';

export interface FindResult {
  query: string;
  pages: { page: number; count: number }[];
  total: number;
}

export class PageTexts {
  private texts = new Map<number, Promise<string>>();

  constructor(private readonly pdf: PDFDocumentProxy) {}

  text(pageNumber: number): Promise<string> {
    let t = this.texts.get(pageNumber);
    if (!t) {
      t = this.pdf.getPage(pageNumber).then(async (page) => {
        const content = await page.getTextContent();
        let out = '';
        for (const item of content.items) {
          if ('str' in item) out += item.str + (item.hasEOL ? '\n' : '');
        }
        return out.toLowerCase();
      });
      this.texts.set(pageNumber, t);
    }
    return t;
  }

  async find(query: string, signal: AbortSignal, onProgress?: (page: number) => void): Promise<FindResult> {
    const q = query.toLowerCase();
    const pages: FindResult['pages'] = [];
    let total = 0;
    for (let p = 1; p <= this.pdf.numPages && !signal.aborted; p++) {
      const text = await this.text(p);
      let count = 0;
      for (let i = text.indexOf(q); i >= 0 && q; i = text.indexOf(q, i + q.length)) count++;
      if (count > 0) {
        pages.push({ page: p, count });
        total += count;
      }
      if (p % 20 === 0) onProgress?.(p);
    }
    return { query, pages, total };
  }
}
