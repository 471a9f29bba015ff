/**
 * The paper's title for the library list. The PDF's Title entry is used when it reads like a title; many
 * preprints have none ("1705.07830.pdf" is no name to find a paper by) and some carry a job name from the
 * typesetter ("OP-GENE210101 1..14", "Microsoft Word - draft.docx"), so the title is then read off the
 * first page: the largest text in its upper half.
 */
import type { DocumentMeta, Unit } from '../model/document.js';

// A first word mixing letters with a long number is a job id ("OP-GENE210101"); a year opening a title is not.
const JOB_NAME = /^(microsoft (word|powerpoint)|untitled|layout \d|document\d*$)|\.(docx?|tex|pdf|indd|dvi|ps|qxd|rtf)\b|\.\.\d|^(?=[\w-]*[a-z])[\w-]*\d{4,}[\w-]*(\s|$)/i;

export function plausibleTitle(text: string | undefined): boolean {
  if (!text) return false;
  const t = text.trim();
  const words = t.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
  return t.length >= 8 && t.length <= 300 && words.length >= 2 && !JOB_NAME.test(t);
}

export function paperTitle(units: readonly Unit[], meta: DocumentMeta, firstPageHeight: number): string | undefined {
  if (plausibleTitle(meta.title)) return meta.title!.trim().replace(/\s+/g, ' ');
  const candidates = units.filter(
    (u) => u.page === 1 && (u.kind === 'heading' || u.kind === 'paragraph') && u.fontSize && u.bbox[1] < firstPageHeight / 2 && /\p{L}{2,}/u.test(u.text) && !vertical(u),
  );
  if (!candidates.length) return undefined;
  const size = Math.max(...candidates.map((u) => u.fontSize!));
  const parts: Unit[] = [];
  // A title set on two lines or broken by a glyph from another font can be several units in a row.
  for (const u of units) {
    if (u.page !== 1) break;
    const same = candidates.includes(u) && Math.abs(u.fontSize! - size) <= 0.5;
    if (same) parts.push(u);
    else if (parts.length) break;
  }
  let title = '';
  let prev: Unit | undefined;
  for (const u of parts) {
    title += prev && !touching(prev, u) ? ' ' + u.text : u.text;
    prev = u;
  }
  // A footnote mark on the title ("... Annotations∗") points to a funding note, it is no part of the name.
  title = title.replace(/\s+/g, ' ').trim().replace(/\s*[∗*†‡§¶]+$/u, '');
  return plausibleTitle(title) ? title : undefined;
}

/** Text set up the margin (arXiv's stamp, a journal's banner) is big but never the title. */
function vertical(u: Unit): boolean {
  return u.bbox[3] - u.bbox[1] > 2 * (u.bbox[2] - u.bbox[0]);
}

/** Two pieces of one visual line with no gap between them are one word ("Off" + "ensive"). */
function touching(a: Unit, b: Unit): boolean {
  const sameLine = Math.min(a.bbox[3], b.bbox[3]) - Math.max(a.bbox[1], b.bbox[1]) > 0.5 * Math.min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1]);
  return sameLine && Math.abs(b.bbox[0] - a.bbox[2]) < 0.1 * (a.fontSize ?? 10);
}
