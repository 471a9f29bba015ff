/** Bibliography entries: the blocks after a "References" heading, re-split into one unit per entry. */
import { toBlock } from './paragraphs.js';
import { referenceEntry } from './reference-entry.js';
import type { Block, Line } from './types.js';

const REFERENCE_HEADING = /^(\d+(\.\d+)*\.?\s+)?(references|bibliography|literature cited|works cited|reference list|references and notes)$/i;
const NUMBERED_ENTRY = /^(\[\d+\]|\d{1,3}\.\s|\d{1,3}\s+\p{Lu})/u;

export function isReferenceHeading(text: string): boolean {
  return REFERENCE_HEADING.test(text.trim());
}

/** Replaces the paragraph blocks of every reference section in `flow` (reading order) with entries. */
export function splitReferences(flow: Block[]): Block[] {
  const out: Block[] = [];
  let inRefs = false;
  let refLevel = 0;
  let pending: Block[] = [];
  const flushRefs = (): void => {
    if (pending.length) out.push(...entries(pending));
    pending = [];
  };
  for (const [i, b] of flow.entries()) {
    if (b.kind === 'heading') {
      if (inRefs && (b.level ?? 1) <= refLevel) {
        flushRefs();
        inRefs = false;
      }
      if (isReferenceHeading(b.text)) {
        flushRefs();
        inRefs = true;
        refLevel = b.level ?? 1;
      }
      out.push(b);
      continue;
    }
    // A reference list without a heading of its own (PNAS) starts where entries follow one another.
    if (!inRefs && b.kind === 'paragraph' && listStarts(flow, i)) {
      inRefs = true;
      refLevel = Infinity;
    }
    if (inRefs && b.kind === 'paragraph') pending.push(b);
    else {
      if (inRefs && !b.float) flushRefs();
      out.push(b);
    }
  }
  flushRefs();
  return out;
}

/** This paragraph and at least two of the four text blocks after it open reference entries. */
function listStarts(flow: readonly Block[], at: number): boolean {
  if (!referenceEntry(flow[at].text)) return false;
  const next = flow.slice(at + 1).filter((b) => !b.float).slice(0, 4);
  return next.filter((b) => b.kind === 'paragraph' && referenceEntry(b.text)).length >= 2;
}

function entries(blocks: Block[]): Block[] {
  const lines = blocks.flatMap((b) => b.lines.map((l) => ({ l, page: b.page })));
  const numbered = lines.filter(({ l }) => NUMBERED_ENTRY.test(l.text)).length >= Math.max(2, lines.length * 0.15);
  const leftOf = new Map<string, number>();
  for (const { l, page } of lines) {
    const k = `${page}:${l.column}`;
    leftOf.set(k, Math.min(leftOf.get(k) ?? Infinity, l.bbox[0]));
  }
  // Hanging indents mark entries when continuation lines are indented; otherwise keep the paragraph breaks.
  const hanging = lines.some(({ l, page }) => l.bbox[0] - (leftOf.get(`${page}:${l.column}`) ?? 0) > 0.8 * l.size);
  const starts = new Set(blocks.map((b) => b.lines[0]));
  const out: Block[] = [];
  let cur: Line[] = [];
  let curPage = 0;
  const flush = (): void => {
    if (cur.length) out.push(toBlock('reference', cur, curPage));
    cur = [];
  };
  for (const { l, page } of lines) {
    const left = leftOf.get(`${page}:${l.column}`) ?? 0;
    let isStart: boolean;
    if (numbered) isStart = NUMBERED_ENTRY.test(l.text);
    else if (hanging) isStart = l.bbox[0] - left < 0.5 * l.size;
    else isStart = starts.has(l);
    const moved = cur.length > 0 && (page !== curPage || cur[cur.length - 1].column !== l.column);
    if (isStart || moved) flush();
    if (!cur.length) curPage = page;
    cur.push(l);
  }
  flush();
  return out;
}
