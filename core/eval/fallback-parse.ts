/**
 * A deliberately plain PDF-to-units reader (pdf.js text in content order, lines grouped into blocks
 * by vertical gaps, captions recognised by "Figure n"/"Table n"), used by evaluation only while the
 * real parser (core/pdf) is unavailable. It finds no figure regions, tables or sections.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DocumentModel, Page, Rect, Unit } from '../model/document.js';
import { rectUnion } from '../model/geometry.js';

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  rect: Rect;
}

export async function fallbackParse(path: string): Promise<DocumentModel> {
  const t0 = performance.now();
  const bytes = new Uint8Array(await readFile(path));
  const id = createHash('sha256').update(bytes).digest('hex');
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await pdfjs.getDocument({ data: bytes.slice(), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: Page[] = [];
  const units: Unit[] = [];
  for (let p = 1; p <= pdf.numPages; p++) {
    const page = await pdf.getPage(p);
    const vp = page.getViewport({ scale: 1 });
    pages.push({ number: p, width: vp.width, height: vp.height, rotation: vp.rotation, columns: 1, hasText: true });
    const content = await page.getTextContent();
    const lines: Line[] = [];
    let cur: { parts: string[]; rect: Rect; y: number } | null = null;
    for (const raw of content.items) {
      if (!('str' in raw)) continue;
      const it = raw as TextItem;
      const h = Math.abs(it.height || it.transform[3] || 10);
      const x = it.transform[4];
      const y = vp.height - it.transform[5];
      if (it.str.trim()) {
        const r: Rect = [x, y - h, x + it.width, y];
        if (cur && Math.abs(cur.y - y) < h * 0.5 && x >= cur.rect[0] - 1) {
          cur.parts.push(it.str);
          cur.rect = rectUnion([cur.rect, r]);
        } else {
          if (cur) lines.push({ text: cur.parts.join(''), rect: cur.rect });
          cur = { parts: [it.str], rect: r, y };
        }
      }
      if (it.hasEOL && cur) cur.parts.push(' ');
    }
    if (cur) lines.push({ text: cur.parts.join(''), rect: cur.rect });
    let block: Line[] = [];
    const flush = () => {
      if (!block.length) return;
      const text = block
        .map((l) => l.text.trim())
        .join(' ')
        .replace(/(\p{Ll})- (\p{Ll})/gu, '$1$2')
        .replace(/\s+/g, ' ')
        .trim();
      if (text) {
        const cap = /^(fig(?:ure)?\.?|table)\s*(\d+)/i.exec(text);
        const u: Unit = {
          id: `u${String(units.length).padStart(5, '0')}`,
          kind: cap ? 'caption' : 'paragraph',
          page: p,
          bbox: rectUnion(block.map((l) => l.rect)),
          lineRects: block.map((l) => l.rect),
          text,
          section: [],
        };
        if (cap) u.label = `${cap[1].toLowerCase().startsWith('fig') ? 'Figure' : 'Table'} ${cap[2]}`;
        units.push(u);
      }
      block = [];
    };
    for (const l of lines) {
      const prev = block.at(-1);
      const lh = prev ? prev.rect[3] - prev.rect[1] : 0;
      const gap = prev ? l.rect[1] - prev.rect[3] : 0;
      const newBlock = prev && (gap > lh * 0.9 || gap < -lh * 2 || Math.abs(l.rect[0] - prev.rect[0]) > 60);
      if (newBlock) flush();
      block.push(l);
    }
    flush();
    page.cleanup();
  }
  await pdf.destroy();
  return {
    id,
    fileName: basename(path),
    bytes: bytes.length,
    pageCount: pages.length,
    meta: {},
    pages,
    units,
    sections: [],
    parser: { name: 'eval-fallback', version: '1', ms: Math.round(performance.now() - t0) },
  };
}
