/**
 * Figures found by their labels. A chart's caption may stand on another page (Nature's full-page figures),
 * and its panels may be painted as many small shapes that never add up to one big region, so caption
 * growth and paint clusters both miss it: its tick values, axis titles and panel letters were left to the
 * text flow as dozens of two-word paragraphs. Here such labels are gathered where they crowd together over
 * paint with no prose among them, and the crowd becomes one figure (joining any figure region it touches),
 * or a table when it reads like one (body-size cells, a ledger's money and bracketed negatives).
 */
import type { Rect } from '../model/geometry.js';
import { dominantSize, regionText, union } from './figures.js';
import { centerInside } from './geometry.js';
import type { TextStats } from './paragraphs.js';
import type { Block, Line, Mark } from './types.js';

/** Relations and operators: a short line carrying one is a piece of a formula, which the math pass reads. */
const FORMULA = /[=<>≤≥≠≈≡∝∼∈⊂⊆∑∏∫∂∇√]/u;
/** Fewest clear labels (numbers, small print, rotated titles) that make a crowd a figure. */
const MIN_LABELS = 5;
/** Most separate marks taken as bridges between labels; see labelFigures. */
const MAX_PAINT_NODES = 2000;
/** Share of the crowd's box that paint must cover: an axis frame, bars, points. Formulas have almost none. */
const MIN_PAINT = 0.08;

type Strength = 'label' | 'maybe' | null;

function words(l: Line): number {
  return l.text.split(' ').length;
}

/** Letters among a line's visible characters. */
function letterShare(l: Line): number {
  const chars = l.text.replace(/\s/g, '');
  return chars.length ? (chars.match(/\p{L}/gu)?.length ?? 0) / chars.length : 0;
}

/** A gap inside a line wider than two spaces' worth: labels of panels side by side, not one run of text. */
function spaced(l: Line): boolean {
  const items = [...l.items].sort((a, b) => a.x0 - b.x0);
  return items.some((g, i) => i > 0 && g.x0 - items[i - 1].x1 > 2 * l.size);
}

/** A line of six words or more, mostly letters, in any size: running text, a boxed statement, a footnote. */
function prose(l: Line): boolean {
  return words(l) >= 6 && !l.items[0].vertical && letterShare(l) >= 0.6 && !spaced(l);
}

/**
 * A clear label is short and either numeric (tick values, p-value stars), in print well below the body's, or
 * rotated (axis titles). A short line in body size could be a label or text (a heading, a list's last word):
 * it joins a crowd of clear labels but never makes one.
 */
function strength(l: Line, stats: TextStats): Strength {
  if (prose(l) || FORMULA.test(l.text)) return null;
  if (l.items[0].vertical) return words(l) <= 6 ? 'label' : null;
  // A panel letter ("b") is set large and bold, yet only ever a figure's.
  if (/^\(?\p{L}\)?$/u.test(l.text) && l.size <= 2.5 * stats.bodySize) return 'maybe';
  const letters = letterShare(l);
  // A row of tick values ("100 101 102 103 104 105") is one line of many short numbers.
  if (letters < 0.3 && words(l) <= 16 && l.size <= stats.bodySize + 0.5) return 'label';
  if (words(l) > 4 || l.size > stats.bodySize + 0.5) return null;
  if (letters < 0.5 || l.size < stats.bodySize - 0.6) return 'label';
  return 'maybe';
}

function gap(a: Rect, b: Rect): number {
  return Math.max(0, a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3]);
}

/** Area of the paint inside a box (marks clipped to it; overlaps counted twice, which only errs towards paint). */
function paintIn(box: Rect, marks: readonly Mark[]): number {
  let area = 0;
  for (const m of marks) {
    const w = Math.min(box[2], m.rect[2]) - Math.max(box[0], m.rect[0]);
    const h = Math.min(box[3], m.rect[3]) - Math.max(box[1], m.rect[1]);
    if (w > 0 && h > 0) area += w * h;
  }
  return area;
}

/** Money, bracketed negatives and dashes for nil: the cells of a financial table, which charts do not print. */
const LEDGER = /[$€£¥]|\(\d[\d,.]*\)|—/;

/**
 * An uncaptioned crowd is a table rather than a chart when its cells read like a ledger or when it is set
 * in the body's size: chart labels are set smaller than the text, a table without a caption (a report's
 * statements, a continued table) is most often not.
 */
function tabular(lines: readonly Line[], stats: TextStats): boolean {
  const ledger = lines.filter((l) => LEDGER.test(l.text)).length;
  const small = lines.filter((l) => l.size < stats.bodySize - 0.6).length;
  return ledger >= 0.15 * lines.length || small < 0.5 * lines.length;
}

interface Node {
  rect: Rect;
  line?: Line;
  figure?: Block;
  /** Paint (a panel's axes and bars): it joins the labels around it, which lie further apart than each other's reach. */
  paint?: boolean;
  label?: boolean;
}

/**
 * How near two nodes must be to belong to one figure. Tick values sit a label's height or two apart (tiny
 * ones, 3 pt, still step about 10 pt); panels of one figure stand a little further apart, so a figure
 * reaches further for clear labels and other figures than for short lines that could be text.
 */
function reach(a: Node, b: Node): number {
  const size = Math.max(a.line?.size ?? 0, b.line?.size ?? 0, 4);
  if (a.figure && b.figure) return 24;
  if (a.paint && b.paint) return 6;
  const line = a.line ?? b.line;
  if ((a.figure || b.figure) && line && (a.label || b.label)) return Math.max(3 * size, 24);
  return Math.max(2 * size, 12);
}

function crowds(nodes: Node[]): Node[][] {
  const parent = nodes.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (gap(nodes[i].rect, nodes[j].rect) <= reach(nodes[i], nodes[j])) parent[find(i)] = find(j);
    }
  }
  const by = new Map<number, Node[]>();
  nodes.forEach((n, i) => {
    const root = find(i);
    const group = by.get(root);
    if (group) group.push(n);
    else by.set(root, [n]);
  });
  return [...by.values()];
}

/**
 * One crowd made a figure, or merged into the figures it touches; false when it is not a figure (too few
 * labels, no paint, prose among them, two captions).
 */
function settle(crowd: readonly Node[], page: number, rest: readonly Line[], taken: Set<Line>, floats: Block[], marks: readonly Mark[], stats: TextStats): boolean {
  const lines = crowd.flatMap((n) => (n.line ? [n.line] : []));
  const figures = crowd.flatMap((n) => (n.figure ? [n.figure] : []));
  const labels = crowd.filter((n) => n.label).length;
  if (figures.length ? !lines.length && figures.length < 2 : labels < MIN_LABELS) return false;
  const captioned = figures.filter((f) => f.link);
  if (captioned.length > 1) return false;
  let box = crowd.map((n) => n.rect).reduce(union);
  if (box[2] - box[0] < 40 || box[3] - box[1] < 30) return false;
  // Text inside the box that is not a label means the crowd spans a figure and its neighbouring prose.
  const mine = new Set(lines);
  const inside = rest.filter((l) => !taken.has(l) && !mine.has(l) && centerInside(box, l.bbox));
  if (inside.some(prose)) return false;
  if (!figures.length && paintIn(box, marks) < MIN_PAINT * (box[2] - box[0]) * (box[3] - box[1])) return false;
  const own = [...lines, ...inside];
  const block: Block = captioned[0] ?? figures[0] ?? { kind: tabular(lines, stats) ? 'table' : 'figure', page, lines: [], text: '', size: 0, font: '', column: 0, float: true };
  const merged = [...own, ...figures.flatMap((f) => f.lines)];
  box = [...own.map((l) => l.bbox), ...crowd.filter((n) => !n.line).map((n) => n.rect)].reduce(union);
  block.lines = merged;
  block.region = box;
  block.size = dominantSize(merged);
  block.text = regionText(block.kind === 'table' ? 'table' : 'figure', merged);
  if (!figures.length) floats.push(block);
  for (const f of figures) if (f !== block) floats.splice(floats.indexOf(f), 1);
  for (const l of own) taken.add(l);
  return true;
}

/**
 * Takes label crowds out of `rest` as figures. Uncaptioned figures they touch merge into them; a captioned
 * one keeps its caption and grows by the crowd when no prose lies in the grown box. Each round's figures
 * reach for more in the next, so the panels of one chart come together.
 */
export function labelFigures(page: number, rest: readonly Line[], floats: Block[], marks: readonly Mark[], stats: TextStats, pageW: number, pageH: number): Line[] {
  const kinds = new Map<Line, Strength>(rest.map((l) => [l, strength(l, stats)]));
  if ([...kinds.values()].filter((s) => s === 'label').length < MIN_LABELS) return [...rest];
  const taken = new Set<Line>();
  // Page-wide frames and rules would join everything; the paint of one panel is smaller.
  let paint = marks.filter((m) => m.rect[2] - m.rect[0] < 0.6 * pageW && m.rect[3] - m.rect[1] < 0.6 * pageH);
  // Crowds are found pair by pair: a page of thousands of separate marks (a map's dots) joins by lines alone.
  if (paint.length > MAX_PAINT_NODES) paint = [];
  for (let changed = true; changed; ) {
    changed = false;
    const nodes: Node[] = [];
    for (const l of rest) {
      const s = kinds.get(l);
      if (s && !taken.has(l)) nodes.push({ rect: l.bbox, line: l, label: s === 'label' });
    }
    for (const f of floats) if (f.kind === 'figure' && f.region) nodes.push({ rect: f.region, figure: f });
    for (const m of paint) nodes.push({ rect: m.rect, paint: true });
    for (const crowd of crowds(nodes)) if (settle(crowd, page, rest, taken, floats, marks, stats)) changed = true;
  }
  return rest.filter((l) => !taken.has(l));
}
