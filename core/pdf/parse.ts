/** The parse driver: pages one at a time through pdf.js, then document-wide steps, then the DocumentModel. */
import { createHash } from 'node:crypto';
import { PDFDateString, type PDFDocumentProxy, type PDFPageProxy, type TextContent } from './pdfjs.js';
import { throwIfCancelled, WukongError } from '../errors.js';
import type { DocumentMeta, DocumentModel, Page, Unit } from '../model/document.js';
import { rectUnion, roundRect, type Rect } from '../model/geometry.js';
import { linkCrossReferences } from './crossrefs.js';
import { clusterMarks, extractGlyphs, extractMarks, requestText } from './extract.js';
import { dropFurniture } from './furniture.js';
import { markRepeatedTitle, tidyFrontMatter } from './front-matter.js';
import { headingsInNamedStyle } from './heading-style.js';
import type { Matrix } from './geometry.js';
import { layoutPage } from './layout.js';
import { buildLines, dropLineNumbers, findGutters } from './lines.js';
import { mayHoldGraphics } from './graphics-gate.js';
import { openPdf } from './load.js';
import { PARSER_NAME, PARSER_VERSION } from './parser-version.js';
import { simplifyTitle } from './normalize.js';
import { splitReferences } from './references.js';
import { sentenceSpans } from './spans.js';
import { assignLevels, buildTree, type OutlineEntry } from './sections.js';
import { textStats } from './stats.js';
import { paperTitle } from './title.js';
import type { Block, Glyphs, Mark, RawPage } from './types.js';

export interface ParseProgress {
  page: number;
  pageCount: number;
}

export interface ParseOptions {
  password?: string;
  signal?: AbortSignal;
  onProgress?: (progress: ParseProgress) => void;
  /** A page that takes longer is skipped with a PAGE_TIMEOUT warning (default 10 s). */
  pageTimeoutMs?: number;
  /** Files larger than this are refused with TOO_LARGE (default 1 GiB). */
  maxBytes?: number;
  /** The caller gives `data` up (see OpenPdfOptions.consume): a large file is then held once, not twice. */
  consume?: boolean;
}

const DEFAULT_PAGE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 2 ** 30;
/** A file without pages is tiny; scanning a large one-page scan as text for an empty page tree would only cost time. */
const NO_PAGES_SCAN_LIMIT = 4 * 2 ** 20;
export { PARSER_NAME, PARSER_VERSION };

export async function parsePdf(data: Uint8Array, fileName: string, options: ParseOptions = {}): Promise<DocumentModel> {
  const started = performance.now();
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (data.byteLength > maxBytes) {
    throw new WukongError('TOO_LARGE', undefined, `${data.byteLength} bytes > limit ${maxBytes}`);
  }
  throwIfCancelled(options.signal);
  const id = createHash('sha256').update(data).digest('hex');
  const byteLength = data.byteLength;
  // Small files are copied all the same: they are read again below to look for an empty page tree.
  const doc = await openPdf(data, options.password, { consume: options.consume && data.byteLength > NO_PAGES_SCAN_LIMIT });
  try {
    const pageCount = doc.numPages;
    if (pageCount === 0 || (pageCount === 1 && byteLength <= NO_PAGES_SCAN_LIMIT && declaresNoPages(data))) throw new WukongError('EMPTY_PDF');
    const meta = await readMeta(doc);
    const outline = await readOutline(doc);
    const raws: RawPage[] = [];
    // The next page's text is asked for before this page is laid out: pdf.js gets to it without waiting
    // for a round trip through this page's line building, which measurably shortens the whole pass.
    let next = requestPage(doc, 1);
    for (let n = 1; n <= pageCount; n++) {
      throwIfCancelled(options.signal);
      const request = next;
      if (n < pageCount) next = requestPage(doc, n + 1);
      raws.push(await readPageWithTimeout(doc, n, request, options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS, options.signal));
      options.onProgress?.({ page: n, pageCount });
    }
    throwIfCancelled(options.signal);
    if (raws.every((r) => r.warning?.code === 'CORRUPT_PDF')) {
      throw new WukongError('CORRUPT_PDF', undefined, raws[0]?.warning?.message);
    }
    const model = assemble(raws, outline);
    const title = paperTitle(model.units, meta, model.pages[0]?.height ?? 792);
    return {
      id,
      fileName,
      bytes: byteLength,
      pageCount,
      meta,
      ...(title ? { title } : {}),
      pages: model.pages,
      units: model.units,
      sections: model.sections,
      parser: { name: PARSER_NAME, version: PARSER_VERSION, ms: Math.round(performance.now() - started) },
    };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

/** A page and its text pass, asked for ahead of need; a failure surfaces where the page is read. */
interface PageRequest {
  page: Promise<PDFPageProxy>;
  text: Promise<TextContent>;
}

function requestPage(doc: PDFDocumentProxy, n: number): PageRequest {
  const page = doc.getPage(n);
  const text = page.then(requestText);
  page.catch(() => undefined);
  text.catch(() => undefined);
  return { page, text };
}

/**
 * pdf.js reports one (blank A4) page for a page tree whose /Count is 0, so an empty file is recognised from
 * its own page tree. Only plain (not object-stream) page trees can be seen this way.
 */
function declaresNoPages(data: Uint8Array): boolean {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  return /\/Type\s*\/Pages\b[^>]*?\/Count\s+0\b|\/Count\s+0\b[^>]*?\/Type\s*\/Pages\b/.test(text) && !/\/Count\s+[1-9]/.test(text);
}

async function readMeta(doc: PDFDocumentProxy): Promise<DocumentMeta> {
  const meta: DocumentMeta = {};
  try {
    const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown> };
    const str = (k: string): string | undefined => (typeof info?.[k] === 'string' && (info[k] as string).trim() ? (info[k] as string).trim() : undefined);
    const set = (field: keyof DocumentMeta, k: string): void => {
      const v = str(k);
      if (v !== undefined) meta[field] = v;
    };
    set('title', 'Title');
    set('author', 'Author');
    set('subject', 'Subject');
    set('producer', 'Producer');
    // PDF dates ("D:20190312...+01'00'") become ISO 8601; anything unparsable is kept as written.
    const created = str('CreationDate');
    if (created !== undefined) meta.creationDate = PDFDateString.toDateObject(created)?.toISOString() ?? created;
  } catch {
    // Broken metadata never stops a parse.
  }
  return meta;
}

async function readOutline(doc: PDFDocumentProxy): Promise<OutlineEntry[]> {
  const out: OutlineEntry[] = [];
  try {
    const outline = await doc.getOutline();
    const walk = async (items: typeof outline, level: number): Promise<void> => {
      for (const item of items ?? []) {
        out.push({ title: item.title.trim(), level, page: await destPage(doc, item.dest) });
        if (item.items?.length) await walk(item.items, level + 1);
      }
    };
    await walk(outline, 1);
  } catch {
    return [];
  }
  return out;
}

async function destPage(doc: PDFDocumentProxy, dest: string | unknown[] | null): Promise<number> {
  try {
    const explicit = typeof dest === 'string' ? await doc.getDestination(dest) : dest;
    const ref = explicit?.[0];
    if (typeof ref === 'number') return ref + 1;
    if (ref && typeof ref === 'object') return (await doc.getPageIndex(ref as { num: number; gen: number })) + 1;
  } catch {
    // An outline entry pointing nowhere still names a section.
  }
  return 0;
}

async function readPage(n: number, request: PageRequest): Promise<RawPage> {
  const page = await request.page;
  try {
    const viewport = page.getViewport({ scale: 1 });
    const vt = viewport.transform as Matrix;
    const glyphs = dropLineNumbers(await extractGlyphs(page, vt, request.text));
    const gutters = findGutters(glyphs, viewport.width);
    const lines = buildLines(glyphs, gutters);
    const raw = mayHoldGraphics(lines) ? await extractMarks(page, vt) : [];
    const marks = clusterMarks(raw, viewport.width, viewport.height);
    return {
      number: n,
      width: viewport.width,
      height: viewport.height,
      rotation: page.rotate,
      lines,
      gutters,
      marks,
      hasText: hasTextLayer(glyphs, raw, viewport.width * viewport.height),
    };
  } finally {
    page.cleanup();
  }
}

/**
 * A scanned page often carries a little real text (a court stamp, a running head) over a full-page image;
 * its body still needs OCR, so it counts as having no text layer.
 */
function hasTextLayer(glyphs: readonly Glyphs[], marks: readonly Mark[], pageArea: number): boolean {
  const chars = glyphs.reduce((n, g) => n + g.text.trim().length, 0);
  if (chars === 0) return false;
  const scanned = marks.some((m) => m.image && (m.rect[2] - m.rect[0]) * (m.rect[3] - m.rect[1]) > 0.5 * pageArea);
  return !(scanned && chars < 200);
}

/**
 * pdf.js cannot abort a page in flight, so a slow page is abandoned rather than stopped; its result, if it
 * ever comes, is dropped. A page that finishes but took longer than the limit counts as timed out too, since
 * a synchronous stretch can keep the timer from firing first.
 */
async function readPageWithTimeout(doc: PDFDocumentProxy, n: number, request: PageRequest, timeoutMs: number, signal?: AbortSignal): Promise<RawPage> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const timedOut = Symbol('timeout');
  try {
    const work = readPage(n, request);
    work.catch(() => undefined);
    const limits = new Promise<typeof timedOut>((resolve, reject) => {
      timer = setTimeout(() => resolve(timedOut), timeoutMs);
      onAbort = () => reject(new WukongError('CANCELLED'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const result = await Promise.race([work, limits]);
    if (result === timedOut || performance.now() - t0 > timeoutMs) return timedOutPage(doc, n, timeoutMs);
    return result;
  } catch (err) {
    if (err instanceof WukongError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    return { ...(await blankPage(doc, n)), warning: { code: 'CORRUPT_PDF', message: `Page ${n} could not be read: ${detail}` } };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

async function blankPage(doc: PDFDocumentProxy, n: number): Promise<RawPage> {
  let width = 612;
  let height = 792;
  let rotation = 0;
  try {
    const page = await doc.getPage(n);
    const vp = page.getViewport({ scale: 1 });
    width = vp.width;
    height = vp.height;
    rotation = page.rotate;
  } catch {
    // Size unknown: US Letter is as good a guess as any for a page that cannot be read.
  }
  return { number: n, width, height, rotation, lines: [], gutters: [], marks: [], hasText: false };
}

async function timedOutPage(doc: PDFDocumentProxy, n: number, timeoutMs: number): Promise<RawPage> {
  return { ...(await blankPage(doc, n)), warning: { code: 'PAGE_TIMEOUT', message: `Page ${n} took longer than ${timeoutMs} ms and was skipped.` } };
}

interface Assembled {
  pages: Page[];
  units: Unit[];
  sections: DocumentModel['sections'];
}

/**
 * The outline's titles that may head a section on this page: those whose destination is the page (or the one
 * before, for a destination set just above a page break) and those pointing nowhere. Cell Press's STAR Methods
 * has a "Lead contact" section; the same words among the affiliations on page 2 are a note, not that section.
 */
function outlineTitlesOn(titles: readonly { page: number; key: string }[], page: number): Set<string> {
  return new Set(titles.filter((o) => o.page === 0 || o.page === page || o.page === page - 1).map((o) => o.key));
}

function assemble(raws: RawPage[], outline: OutlineEntry[]): Assembled {
  dropFurniture(raws);
  const stats = textStats(raws);
  const pages: Page[] = [];
  let blocks: Block[] = [];
  const titles = outline.map((o) => ({ page: o.page, key: simplifyTitle(o.title) })).filter((o) => o.key.length >= 3);
  for (const raw of raws) {
    const layout = layoutPage(raw, stats, outlineTitlesOn(titles, raw.number));
    const page: Page = { number: raw.number, width: r2(raw.width), height: r2(raw.height), rotation: raw.rotation, columns: layout.columns, hasText: raw.hasText };
    if (raw.warning) page.warning = raw.warning;
    pages.push(page);
    blocks.push(...layout.blocks);
    // Layout keeps what it needs; the raw glyph runs can go (bounded memory on long files).
    raw.lines = [];
    raw.marks = [];
  }
  blocks = headingsInNamedStyle(markRepeatedTitle(tidyFrontMatter(blocks)), stats, titles);
  const headings = blocks.filter((b) => b.kind === 'heading');
  assignLevels(headings, outline);
  blocks = splitReferences(blocks);
  const width = Math.max(5, String(blocks.length).length);
  const ids = new Map<Block, string>();
  blocks.forEach((b, i) => ids.set(b, 'u' + String(i).padStart(width, '0')));
  const units: Unit[] = [];
  const path: { title: string; level: number }[] = [];
  const tree: { title: string; number?: string; level: number; page: number; unitId?: string }[] = [];
  for (const b of blocks) {
    const id = ids.get(b) as string;
    if (b.repeatsTitle) {
      // Back under the title, as on the first page; the outline keeps one entry for it.
      path.splice(1);
    } else if (b.kind === 'heading') {
      const level = b.level ?? 1;
      while (path.length && path[path.length - 1].level >= level) path.pop();
      path.push({ title: b.text, level });
      tree.push({ title: b.text, number: b.number, level, page: b.page, unitId: id });
    }
    units.push(toUnit(b, id, ids, path.map((p) => p.title)));
  }
  linkCrossReferences(units);
  return { pages, units, sections: buildTree(tree, outline) };
}

function toUnit(b: Block, id: string, ids: Map<Block, string>, section: string[]): Unit {
  const lineRects = b.region ? [b.region] : b.lines.map((l) => l.bbox);
  const bbox: Rect = b.region ?? rectUnion(lineRects);
  const unit: Unit = {
    id,
    kind: b.kind,
    page: b.page,
    bbox: roundRect(bbox),
    lineRects: lineRects.map((r) => roundRect(r)),
    text: b.text,
    section,
  };
  if (!b.region && b.kind !== 'equation') {
    const spans = sentenceSpans(b.text, b.lines, b.page);
    if (spans.length) unit.spans = spans;
  }
  if (b.label) unit.label = b.label;
  if (b.link && ids.has(b.link)) {
    if (b.kind === 'caption') unit.targetId = ids.get(b.link);
    else unit.captionId = ids.get(b.link);
  }
  if (b.kind === 'heading') unit.level = b.level ?? 1;
  if (b.size) unit.fontSize = r2(b.size);
  return unit;
}

function r2(v: number): number {
  return Math.round(v * 100) / 100;
}
