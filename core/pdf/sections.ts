/** The section tree: the PDF outline when the file has one, else heading numbering and font size. */
import type { SectionNode } from '../model/document.js';
import { headingInfo } from './classify.js';
import { simplifyTitle } from './normalize.js';
import type { Block } from './types.js';

export interface OutlineEntry {
  title: string;
  level: number;
  page: number;
}

const simplify = simplifyTitle;

/**
 * Sets level on every heading block (in reading order). Outline entries give levels to the headings they
 * name; numbered headings take their depth ("3.2" = 2); the rest rank by font size.
 */
export function assignLevels(headings: Block[], outline: readonly OutlineEntry[]): void {
  const outlineLevel = new Map<string, number>();
  for (const o of outline) {
    outlineLevel.set(simplify(o.title), o.level);
    outlineLevel.set(simplify(headingInfo(o.title).title), o.level);
  }
  const numberedSizes = new Map<number, number>();
  for (const h of headings) {
    if (!h.number) continue;
    const depth = h.number.split('.').length;
    numberedSizes.set(depth, Math.max(numberedSizes.get(depth) ?? 0, h.size));
  }
  const unnumberedSizes = [...new Set(headings.filter((h) => !h.number).map((h) => h.size))].sort((a, b) => b - a);
  const fromOutline = (h: Block): number | undefined => outlineLevel.get(simplify(h.text)) ?? outlineLevel.get(simplify(headingInfo(h.text).title));
  // Headings the outline leaves out take the level of outline headings set in the same font and size.
  const styleLevel = new Map<string, number>();
  for (const h of headings) {
    const level = fromOutline(h);
    const style = `${h.font}@${h.size}`;
    if (level !== undefined && !styleLevel.has(style)) styleLevel.set(style, level);
  }
  for (const h of headings) {
    const outlined = fromOutline(h) ?? styleLevel.get(`${h.font}@${h.size}`);
    if (outlined !== undefined) h.level = outlined;
    else if (h.number) h.level = h.number.split('.').length;
    else if (numberedSizes.size) {
      // Same size as the numbered level whose size is closest: "References" sits beside "5 Discussion".
      let best = 1;
      let bestD = Infinity;
      for (const [depth, size] of numberedSizes) {
        const d = Math.abs(size - h.size) + depth * 0.01;
        if (d < bestD) {
          bestD = d;
          best = depth;
        }
      }
      h.level = best;
    } else h.level = unnumberedSizes.indexOf(h.size) + 1;
  }
}

/** Builds the tree from heading units in reading order; outline entries no heading matched are added too. */
export function buildTree(
  headings: { title: string; number?: string; level: number; page: number; unitId?: string }[],
  outline: readonly OutlineEntry[],
): SectionNode[] {
  const matched = new Set(headings.flatMap((h) => [simplify(h.title), simplify(headingInfo(h.title).title)]));
  const extra = outline
    .filter((o) => !matched.has(simplify(o.title)) && !matched.has(simplify(headingInfo(o.title).title)))
    .map((o) => ({ title: o.title, level: o.level, page: o.page, number: headingInfo(o.title).number }));
  // Outline-only entries slot in by page; headings keep their reading order.
  const all: { title: string; number?: string; level: number; page: number; unitId?: string }[] = [...headings];
  for (const e of extra) {
    const at = all.findIndex((h) => h.page > e.page);
    all.splice(at < 0 ? all.length : at, 0, e);
  }
  const roots: SectionNode[] = [];
  const stack: SectionNode[] = [];
  for (const h of all) {
    const node: SectionNode = { title: h.title, level: h.level, page: h.page, children: [] };
    if (h.number) node.number = h.number;
    if (h.unitId) node.unitId = h.unitId;
    while (stack.length && stack[stack.length - 1].level >= node.level) stack.pop();
    if (stack.length) stack[stack.length - 1].children.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}
