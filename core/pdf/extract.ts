/**
 * One page from pdf.js: its text runs (getTextContent) and painted shapes (getOperatorList), both mapped
 * to the displayed page with the viewport transform so rotation and crop box are already applied.
 */
import { AnnotationMode, OPS, type PDFPageProxy, type TextContent, type TextItem, type TextStyle } from './pdfjs.js';
import type { Rect } from '../model/geometry.js';
import { multiply, transformRect, type Matrix } from './geometry.js';
import { normalizeText } from './normalize.js';
import { applyRemap, attachAccents, fontRemap, isPublisherFont, type FontData } from './glyph-repair.js';
import type { Glyphs, Mark } from './types.js';

/** The text pass that extractGlyphs reads; started early, it runs in pdf.js's thread while this one works. */
export function requestText(page: PDFPageProxy): Promise<TextContent> {
  return page.getTextContent({ disableNormalization: true });
}

export async function extractGlyphs(page: PDFPageProxy, viewport: Matrix, text: Promise<TextContent> = requestText(page)): Promise<Glyphs[]> {
  const content = await text;
  const items = content.items.filter((raw): raw is TextItem => 'str' in raw && !!raw.str);
  const remaps = await fontRemaps(page, items);
  const texts = items.map((item) => {
    const remap = remaps.get(item.fontName);
    return remap ? applyRemap(item.str, remap) : item.str;
  });
  if (remaps.size) attachAccents(items, texts);
  const out: Glyphs[] = [];
  items.forEach((item, k) => {
    const str = texts[k];
    if (!str.trim()) return;
    const style: TextStyle | undefined = content.styles[item.fontName];
    const g = toGlyphs(item, str, style, viewport);
    if (g) out.push(g);
  });
  return out;
}

// Characters pdf.js gives for glyphs it misreads: TeX math codes 0-32 shifted to 0xA1-0xC9 by old TeX
// encodings, card suits, C0/C1 control codes, Private Use, U+FFFD, and the Latin-1 slots of an Advent math
// font (þ ð Þ). Other pages, "Mächler" in a running head included, never pay for the font lookup.
// eslint-disable-next-line no-control-regex -- control codes are one of the symptoms
const SUSPECT = /[\u0000-\u001f\u007f-\u009f\u00a1-\u00c9\u00de\u00f0\u00fe\u2660-\u2667\ue000-\uf8ff\ufffd]/;

interface FontRepair {
  map: Map<string, string> | null;
  /** A publisher font: its printable Latin-1 slots need repair on pages without suspect characters too. */
  everywhere: boolean;
}

/** Per document (its commonObjs): each font's repair, by pdf.js's font id, once the font has been looked at. */
const repairCache = new WeakMap<object, Map<string, FontRepair>>();

/**
 * Fonts reach page.commonObjs only through an operator list; pdf.js caches that list per page, so the
 * later extractMarks call on the same page costs nothing more. commonObjs belong to the document, so a font
 * met on an earlier page is already there: only a page with a new suspect font pays for the list. On a page
 * without suspect characters only publisher fonts already loaded are repaired (TeX fonts read as before).
 */
async function fontRemaps(page: PDFPageProxy, items: readonly TextItem[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  let cache = repairCache.get(page.commonObjs);
  if (!cache) repairCache.set(page.commonObjs, (cache = new Map()));
  const known = cache;
  const suspect = new Set(items.filter((i) => SUSPECT.test(i.str)).map((i) => i.fontName));
  if ([...suspect].some((id) => !known.has(id) && !page.commonObjs.has(id))) {
    await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
  }
  for (const id of new Set(items.map((i) => i.fontName))) {
    let repair = known.get(id);
    if (!repair) {
      if (!page.commonObjs.has(id)) continue;
      const font = page.commonObjs.get(id) as FontData;
      repair = { map: fontRemap(font), everywhere: isPublisherFont(font.name ?? '') };
      known.set(id, repair);
    }
    if (repair.map && (suspect.size || repair.everywhere)) out.set(id, repair.map);
  }
  return out;
}

function toGlyphs(item: TextItem, str: string, style: TextStyle | undefined, viewport: Matrix): Glyphs | null {
  const m = multiply(viewport, item.transform as number[]);
  const size = Math.hypot(m[2], m[3]);
  if (!(size > 0.5)) return null; // invisible or degenerate runs (some producers hide text at size 0)
  const dirLen = Math.hypot(m[0], m[1]) || 1;
  const dx = m[0] / dirLen;
  const dy = m[1] / dirLen;
  // pdf.js clamps odd font metrics poorly; keep the em box within sane proportions for highlights.
  const ascent = clamp(style?.ascent ?? 0.8, 0.65, 1);
  const descent = clamp(Math.abs(style?.descent ?? 0.2), 0.15, 0.3);
  if (!Number.isFinite(m[4]) || !Number.isFinite(m[5])) return null;
  const len = item.width;
  const text = normalizeText(str);
  const horizontal = dx > 0.99 && Math.abs(dy) < 0.05;
  if (horizontal) {
    return {
      text,
      x0: m[4],
      x1: m[4] + len,
      y0: m[5] - ascent * size,
      y1: m[5] + descent * size,
      baseline: m[5],
      size,
      font: item.fontName,
      vertical: false,
    };
  }
  // Rotated or vertical text (axis labels): keep its box so figures still own it, never join it to lines.
  const ex = m[4] + dx * len;
  const ey = m[5] + dy * len;
  const nx = -dy * size;
  const ny = dx * size;
  const xs = [m[4], ex, m[4] - nx, ex - nx];
  const ys = [m[5], ey, m[5] - ny, ey - ny];
  return {
    text,
    x0: Math.min(...xs),
    x1: Math.max(...xs),
    y0: Math.min(...ys),
    y1: Math.max(...ys),
    baseline: Math.max(...ys),
    size,
    font: item.fontName,
    vertical: true,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  // Standard-14 fonts without metrics give NaN: fall back to the middle of the range.
  if (!Number.isFinite(v)) return (lo + hi) / 2;
  return Math.min(hi, Math.max(lo, v));
}

const PAINT_OPS = new Set<number>([
  OPS.stroke,
  OPS.closeStroke,
  OPS.fill,
  OPS.eoFill,
  OPS.fillStroke,
  OPS.eoFillStroke,
  OPS.closeFillStroke,
  OPS.closeEOFillStroke,
]);

const IMAGE_OPS = new Set<number>([
  OPS.paintImageXObject,
  OPS.paintInlineImageXObject,
  OPS.paintImageMaskXObject,
  OPS.paintImageXObjectRepeat,
  OPS.paintImageMaskXObjectRepeat,
  OPS.paintSolidColorImageMask,
  OPS.paintInlineImageXObjectGroup,
]);

/**
 * Boxes of everything painted that is not text: filled/stroked paths and images. pdf.js 5 folds each path
 * into one constructPath op whose args are [paintOp, [pathData], minMax]; minMax is the path's box in the
 * current user space, so only the transform stack (save/restore/transform and form XObject matrices)
 * has to be followed to place it on the page.
 */
export async function extractMarks(page: PDFPageProxy, viewport: Matrix): Promise<Mark[]> {
  // Annotations (link boxes, form fields) are no part of the page's figures and cost a pass each.
  const list = await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
  const marks: Mark[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = viewport;
  const { fnArray, argsArray } = list;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        stack.push(ctm);
        break;
      case OPS.restore:
        ctm = stack.pop() ?? viewport;
        break;
      case OPS.transform:
        ctm = multiply(ctm, args as number[]);
        break;
      case OPS.paintFormXObjectBegin: {
        stack.push(ctm);
        const matrix = args?.[0] as number[] | null | undefined;
        if (matrix && matrix.length === 6) ctm = multiply(ctm, matrix);
        break;
      }
      case OPS.paintFormXObjectEnd:
        ctm = stack.pop() ?? viewport;
        break;
      case OPS.constructPath: {
        const paint = args?.[0] as number;
        const minMax = args?.[2] as ArrayLike<number> | null | undefined;
        if (!PAINT_OPS.has(paint) || !minMax || minMax.length < 4) break;
        if (!Number.isFinite(minMax[0]) || !Number.isFinite(minMax[2])) break;
        marks.push({ rect: transformRect([minMax[0], minMax[1], minMax[2], minMax[3]], ctm), image: false });
        break;
      }
      default:
        if (IMAGE_OPS.has(fn)) marks.push({ rect: transformRect([0, 0, 1, 1], ctm), image: true });
    }
  }
  return marks;
}

/** Merges marks that touch or nearly touch into regions, so a plot of 10,000 points costs one box. */
export function clusterMarks(marks: readonly Mark[], pageW: number, pageH: number, joinGap = 4): Mark[] {
  const pageArea = pageW * pageH;
  const boxes: Mark[] = [];
  for (const m of marks) {
    const r = clip(m.rect, pageW, pageH);
    if (!r) continue;
    const area = (r[2] - r[0]) * (r[3] - r[1]);
    // A page-sized fill is a background, not a figure.
    if (area > 0.6 * pageArea) continue;
    boxes.push({ rect: r, image: m.image });
  }
  // Repeated sweeps until stable; the box count drops fast, so this stays cheap even for dense plots.
  let changed = true;
  let cur = boxes;
  while (changed) {
    changed = false;
    cur.sort((a, b) => a.rect[1] - b.rect[1]);
    const next: Mark[] = [];
    for (const m of cur) {
      let merged = false;
      for (let j = next.length - 1; j >= 0; j--) {
        const n = next[j];
        if (near(n.rect, m.rect, joinGap)) {
          n.rect = [Math.min(n.rect[0], m.rect[0]), Math.min(n.rect[1], m.rect[1]), Math.max(n.rect[2], m.rect[2]), Math.max(n.rect[3], m.rect[3])];
          n.image ||= m.image;
          merged = true;
          changed = true;
          break;
        }
      }
      if (!merged) next.push({ rect: [...m.rect] as Rect, image: m.image });
    }
    cur = next;
  }
  return cur;
}

function near(a: Rect, b: Rect, g: number): boolean {
  return a[0] - g <= b[2] && b[0] - g <= a[2] && a[1] - g <= b[3] && b[1] - g <= a[3];
}

function clip(r: Rect, w: number, h: number): Rect | null {
  const c: Rect = [Math.max(0, r[0]), Math.max(0, r[1]), Math.min(w, r[2]), Math.min(h, r[3])];
  if (c[2] < c[0] || c[3] < c[1]) return null;
  return c;
}
