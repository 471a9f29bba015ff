/**
 * Figures and tables as regions. A caption anchors the search: from its edge the region grows over painted
 * shapes and non-prose lines (axis labels, table cells) until a gap or ordinary body text. Large painted
 * regions without a caption still become figures so their labels do not leak into paragraphs.
 */
import type { Rect } from '../model/geometry.js';
import { captionStart, type CaptionStart } from './captions.js';
import { centerInside, overlapShare } from './geometry.js';
import { joinLines } from './normalize.js';
import { NUMBERED_HEADING, SENTENCE_END, toBlock, type TextStats } from './paragraphs.js';
import type { Block, Line, Mark } from './types.js';

interface Caption {
  start: CaptionStart;
  lines: Line[];
  bbox: Rect;
}

interface Grown {
  region: Rect | null;
  markArea: number;
  lines: Line[];
  firstGap: number;
}

export interface FloatResult {
  floats: Block[];
  /** Lines left for the text flow. */
  rest: Line[];
}

export function union(a: Rect | null, b: Rect): Rect {
  if (!a) return [...b] as Rect;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/**
 * The size a line is set in: its largest run. A subscript run that pdf.js reports as carrying the rest of
 * the line ("F" "c map is shown in ..." at the subscript's size) must not make a caption line look small.
 */
function mainSize(line: Line): number {
  let size = 0;
  for (const g of line.items) size = Math.max(size, g.size);
  return size;
}

function collectCaptions(lines: readonly Line[], stats: TextStats): Caption[] {
  const byY = [...lines].sort((a, b) => a.bbox[1] - b.bbox[1]);
  const used = new Set<Line>();
  const out: Caption[] = [];
  for (const line of byY) {
    if (used.has(line)) continue;
    const start = captionStart(line);
    if (!start) continue;
    const capLines = [line];
    used.add(line);
    let last = line;
    for (const next of byY) {
      if (used.has(next) || next.bbox[1] < last.bbox[1] || next.items[0].vertical) continue;
      // Only text under the caption can end it: a rotated axis title beside a side caption starts level with a
      // caption line but has its baseline far below.
      if (overlapShare(line.bbox[0], Math.max(line.bbox[2], last.bbox[2]), next.bbox[0], next.bbox[2]) < 0.5) continue;
      const dy = next.baseline - last.baseline;
      if (dy <= 0) continue;
      if (dy > Math.max(stats.leading, last.size * 1.1) * 1.45 + 0.5) break;
      if (Math.abs(mainSize(next) - mainSize(line)) > 1.2 || captionStart(next)) break;
      capLines.push(next);
      used.add(next);
      last = next;
    }
    // A caption line cut at a column gutter continues on the same baseline to its right.
    for (let grew = true; grew; ) {
      grew = false;
      for (const next of byY) {
        if (used.has(next) || Math.abs(next.size - line.size) > 0.8) continue;
        const row = capLines.find((c) => Math.abs(c.baseline - next.baseline) < 0.3 * c.size && next.bbox[0] > c.bbox[2] && next.bbox[0] - c.bbox[2] < 3 * c.size);
        if (row) {
          capLines.push(next);
          used.add(next);
          grew = true;
        }
      }
    }
    // Pieces right of the first line's end form a second caption column: read it after the first.
    const second = (l: Line): number => (l.bbox[0] > line.bbox[2] - 1 ? 1 : 0);
    capLines.sort((a, b) => second(a) - second(b) || a.baseline - b.baseline || a.bbox[0] - b.bbox[0]);
    const bbox = capLines.reduce<Rect | null>((r, l) => union(r, l.bbox), null) as Rect;
    out.push({ start, lines: capLines, bbox });
  }
  return out;
}

/** A line with a horizontal rule above and below it, both spanning it, is a table row (booktabs style). */
function betweenRules(line: Line, clusters: readonly Mark[]): boolean {
  const spans = (c: Mark): boolean => c.rect[3] - c.rect[1] < 2.5 && c.rect[0] <= line.bbox[0] + 2 && c.rect[2] >= line.bbox[2] - 2;
  const above = clusters.some((c) => spans(c) && c.rect[3] <= line.bbox[1] + 1 && line.bbox[1] - c.rect[3] < 300);
  const below = clusters.some((c) => spans(c) && c.rect[1] >= line.bbox[3] - 1 && c.rect[1] - line.bbox[3] < 300);
  return above && below;
}

function isProse(line: Line, width: number, stats: TextStats, clusters: readonly Mark[]): boolean {
  if (clusters.some((c) => centerInside(c.rect, line.bbox))) return false;
  if (betweenRules(line, clusters)) return false;
  if (Math.abs(line.size - stats.bodySize) > 0.8) return false;
  const w = line.bbox[2] - line.bbox[0];
  // Relative to the caption, but a caption spanning two columns must not make column text look short.
  return w >= Math.min(0.7 * width, 20 * line.size) && line.text.split(' ').length >= 6;
}


/**
 * A body-size line outside any drawing that carries on the sentence of the prose line right above it (same
 * left edge, one leading down, the line above hyphenated or unfinished): the tail of a paragraph standing
 * just above a figure, not one of the figure's labels. Both stand alone on their baselines within the
 * float's column range: a table's wrapped cell has its row's other cells beside it.
 */
function continuesProse(line: Line, lines: readonly Line[], stats: TextStats, clusters: readonly Mark[], range: [number, number]): boolean {
  if (Math.abs(line.size - stats.bodySize) > 0.8 || line.items[0].vertical) return false;
  if (clusters.some((c) => centerInside(c.rect, line.bbox))) return false;
  const alone = (l: Line): boolean =>
    !lines.some((o) => o !== l && !o.items[0].vertical && o.bbox[0] >= range[0] - 2 && o.bbox[2] <= range[1] + 2 && overlapShare(l.bbox[1], l.bbox[3], o.bbox[1], o.bbox[3]) > 0.5);
  const step = Math.max(stats.leading, line.size * 1.05) * 1.45 + 0.5;
  const above = lines.find((p) => {
    const dy = line.baseline - p.baseline;
    if (p === line || dy < 0.5 * line.size || dy > step) return false;
    return Math.abs(p.bbox[0] - line.bbox[0]) <= line.size && !SENTENCE_END.test(p.text) && isProse(p, 0, stats, clusters);
  });
  return !!above && alone(above) && alone(line);
}

/**
 * A body-size line past a table's last rule, a blank line away from it, that reads as the text resuming: a
 * numbered heading ("VI. DISCUSSION") or a prose line. A table's rows lie between its rules or hug the last
 * one (a note under the bottom rule), so neither can be one of its cells.
 */
function resumesText(line: Line, gap: number, width: number, stats: TextStats, clusters: readonly Mark[]): boolean {
  if (mainSize(line) < stats.bodySize - 0.5 || gap < line.size) return false;
  if (clusters.some((c) => centerInside(c.rect, line.bbox)) || betweenRules(line, clusters)) return false;
  if (NUMBERED_HEADING.test(line.text) && line.text.split(' ').length <= 12) return true;
  return isProse(line, width, stats, clusters);
}

/** The x-range a float may use: its column when the anchor sits inside one, else the whole page. */
function columnRange(r: Rect, gutters: readonly number[], pageW: number): [number, number] {
  if (gutters.some((g) => r[0] < g - 2 && r[2] > g + 2)) return [0, pageW];
  const lo = Math.max(0, ...gutters.filter((g) => g <= r[0] + 2));
  const hi = Math.min(pageW, ...gutters.filter((g) => g >= r[2] - 2));
  return [lo, hi];
}

function grow(cap: Caption, dir: -1 | 1, lines: readonly Line[], clusters: readonly Mark[], capLines: Set<Line>, stats: TextStats, others: readonly Caption[] = [], range: [number, number] = [-Infinity, Infinity]): Grown {
  const [cx0, , cx1] = cap.bbox;
  const width = cx1 - cx0;
  const maxGap = Math.max(3.5 * stats.leading, 36);
  // Float separation (caption skip) is wider than the gaps inside a figure.
  const firstMaxGap = Math.max(6 * stats.leading, 72);
  type Item = { rect: Rect; line?: Line; mark?: Mark; barrier?: boolean };
  const items: Item[] = [];
  // Another caption ends this one's reach: what lies beyond it is that caption's float.
  for (const o of others) if (o !== cap) items.push({ rect: o.bbox, barrier: true });
  for (const m of clusters) items.push({ rect: m.rect, mark: m });
  for (const l of lines) if (!capLines.has(l)) items.push({ rect: l.bbox, line: l });
  const ahead = items.filter((it) => (dir < 0 ? it.rect[3] <= cap.bbox[1] + 2 : it.rect[1] >= cap.bbox[3] - 2));
  ahead.sort((a, b) => (dir < 0 ? b.rect[3] - a.rect[3] : a.rect[1] - b.rect[1]));
  let edge = dir < 0 ? cap.bbox[1] : cap.bbox[3];
  let region: Rect | null = null;
  let markArea = 0;
  let firstGap = Infinity;
  const got: Line[] = [];
  // The far edge of the paint taken so far (a table's last rule).
  let paintEdge: number | null = null;
  /**
   * A lone wide line with more of the drawing right beyond it (a panel title between two rows of plots) is
   * part of the figure: paragraph text beyond a figure's edge has more text behind it, not paint.
   */
  const betweenPaint = (r: Rect, at: number): boolean => {
    if (!region) return false;
    for (let j = at + 1; j < ahead.length; j++) {
      const next = ahead[j];
      if (dir < 0 ? next.rect[3] > r[1] + 1 : next.rect[1] < r[3] - 1) continue;
      if (overlapShare(r[0], r[2], next.rect[0], next.rect[2]) <= 0.2) continue;
      const g = dir < 0 ? r[1] - next.rect[3] : next.rect[1] - r[3];
      return !!next.mark && g <= maxGap;
    }
    return false;
  };
  for (let i = 0; i < ahead.length; i++) {
    const it = ahead[i];
    // The band widens with the region: a table's first column may start left of a centred caption.
    const bx0 = region ? Math.min(cx0, region[0]) : cx0;
    const bx1 = region ? Math.max(cx1, region[2]) : cx1;
    if (overlapShare(bx0, bx1, it.rect[0], it.rect[2]) <= (it.mark ? 0.2 : 0.5)) continue;
    // A one-column caption's float stays in that column: centred author lines above it are not its labels.
    if (!it.barrier && (it.rect[0] < range[0] - 2 || it.rect[2] > range[1] + 2)) continue;
    const g = dir < 0 ? edge - it.rect[3] : it.rect[1] - edge;
    if (g > (region ? maxGap : firstMaxGap) || it.barrier) break;
    if (it.line) {
      if (captionStart(it.line) || continuesProse(it.line, lines, stats, clusters, range)) break;
      if (cap.start.kind === 'table' && paintEdge !== null) {
        const past = dir < 0 ? paintEdge - it.rect[3] : it.rect[1] - paintEdge;
        if (past > -1 && resumesText(it.line, g, width, stats, clusters)) break;
      }
      if (isProse(it.line, width, stats, clusters) && !(region && centerInside(region, it.line.bbox)) && !betweenPaint(it.line.bbox, i)) break;
    }
    if (firstGap === Infinity) firstGap = Math.max(0, g);
    region = union(region, it.rect);
    if (it.mark) {
      markArea += (it.rect[2] - it.rect[0]) * (it.rect[3] - it.rect[1]);
      paintEdge = dir < 0 ? Math.min(paintEdge ?? Infinity, it.rect[1]) : Math.max(paintEdge ?? -Infinity, it.rect[3]);
    }
    if (it.line) got.push(it.line);
    edge = dir < 0 ? Math.min(edge, it.rect[1]) : Math.max(edge, it.rect[3]);
  }
  return { region, markArea, lines: got, firstGap };
}

/** The viable sides of a caption, most likely first. */
function rankSides(kind: 'figure' | 'table', up: Grown, down: Grown): Grown[] {
  const preferred = kind === 'figure' ? up : down;
  const other = kind === 'figure' ? down : up;
  const out: Grown[] = [];
  if (preferred.markArea > 0 && (other.markArea === 0 || preferred.firstGap <= other.firstGap + 12)) out.push(preferred, other);
  else if (other.markArea > 0) out.push(other, preferred);
  // No painted shapes either way: a text-only table or figure; the side holding more of its lines first.
  else if (preferred.lines.length >= other.lines.length) out.push(preferred, other);
  else out.push(other, preferred);
  // Painted regions beat text-only ones: a text-only guess is only made when nothing is painted near.
  const painted = out.filter((g) => g.region && g.markArea > 0);
  return painted.length ? painted : out.filter((g) => g.region && g.lines.length >= 2);
}

function clash(a: Rect, b: Rect): boolean {
  return overlapShare(a[0], a[2], b[0], b[2]) > 0.3 && overlapShare(a[1], a[3], b[1], b[3]) > 0.3;
}

/** Most used font size of a region's labels (0 when it has none, so the unit gets no fontSize). */
export function dominantSize(lines: readonly Line[]): number {
  const by = new Map<number, number>();
  for (const l of lines) by.set(l.size, (by.get(l.size) ?? 0) + l.text.length);
  let best = 0;
  let bestN = 0;
  for (const [size, n] of by) if (n > bestN) [best, bestN] = [size, n];
  return best;
}

export function regionText(kind: 'figure' | 'table', lines: Line[]): string {
  const sorted = [...lines].sort((a, b) => a.baseline - b.baseline || a.bbox[0] - b.bbox[0]);
  if (kind === 'figure') return joinLines(sorted.map((l) => l.text));
  const rows: string[] = [];
  let row: Line[] = [];
  for (const l of sorted) {
    if (row.length && l.baseline - row[0].baseline > 0.5 * l.size) {
      rows.push(row.map((c) => c.text).join(' | '));
      row = [];
    }
    row.push(l);
  }
  if (row.length) rows.push(row.map((c) => c.text).join(' | '));
  return rows.join('\n');
}

/** Pulls in short non-prose lines hugging a region (tick labels, axis titles) that lie just outside its paint. */
function absorb(region: Rect, lines: readonly Line[], taken: Set<Line>, stats: TextStats, range: [number, number] = [-Infinity, Infinity]): Rect {
  let r = region;
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of lines) {
      if (taken.has(l) || centerInside(r, l.bbox)) continue;
      // A cell may run past the column's gutter; it still starts inside the region.
      const spills = l.bbox[0] > r[0] && l.bbox[0] < Math.min(r[2], range[1] - 2);
      if (l.bbox[0] < range[0] - 2 || (l.bbox[2] > range[1] + 2 && !spills)) continue;
      if (isProse(l, r[2] - r[0], stats, []) || captionStart(l)) continue;
      // Labels are short or small; a body-size line of several words beside a figure is text (a heading,
      // a list item in the next column).
      if (l.text.split(' ').length > 3 && l.size >= stats.bodySize - 0.5) continue;
      const reach = 0.9 * l.size;
      const dx = Math.max(0, r[0] - l.bbox[2], l.bbox[0] - r[2]);
      const dy = Math.max(0, r[1] - l.bbox[3], l.bbox[1] - r[3]);
      const besideX = dy === 0 && dx <= reach;
      const besideY = dx === 0 && dy <= reach && l.bbox[2] - l.bbox[0] < 0.8 * (r[2] - r[0]);
      if (besideX || besideY) {
        r = union(r, l.bbox);
        changed = true;
      }
    }
  }
  return r;
}

/**
 * Prose-looking lines inside a painted box: body text over a shaded panel or inside a frame, or a boxed
 * statement in a size of its own (PNAS's "Significance"): lines of words filling most of the box's width.
 */
function proseInside(rect: Rect, lines: readonly Line[], stats: TextStats): number {
  const width = rect[2] - rect[0];
  const inside = lines.filter((l) => centerInside(rect, l.bbox));
  const prose = inside.filter((l) => isProse(l, 0.5 * width, stats, [])).length;
  // A figure's labels are short: five lines of words across most of a narrow box are a statement set in it.
  const wordy = (l: Line): boolean => l.size >= 6 && l.bbox[2] - l.bbox[0] >= 0.6 * width && l.text.split(' ').length >= 4 && (l.text.match(/\p{L}/gu)?.length ?? 0) >= 0.7 * l.text.length;
  const boxed = inside.filter(wordy).length;
  return boxed >= 5 && boxed >= 0.6 * inside.length ? Math.max(prose, boxed) : prose;
}

export function findFloats(page: number, lines: readonly Line[], allClusters: readonly Mark[], stats: TextStats, pageW: number, pageH: number, gutters: readonly number[] = []): FloatResult {
  // Frames and shaded panels around running text are decoration; letting them count as figure paint would
  // make the text inside them look like figure labels.
  // Full-width bars along the top or bottom edge are the journal's page furniture, not figures.
  const edgeBar = (r: Rect): boolean => r[2] - r[0] > 0.85 * pageW && r[3] - r[1] > 3 && (r[3] < 0.12 * pageH || r[1] > 0.88 * pageH);
  const clusters = allClusters.filter((c) => !edgeBar(c.rect) && proseInside(c.rect, lines, stats) < 3);
  const captions = collectCaptions(lines, stats);
  const capLines = new Set<Line>(captions.flatMap((c) => c.lines));
  const taken = new Set<Line>(capLines);
  const floats: Block[] = [];
  const regions: Rect[] = [];
  // Two captions can reach for the same drawing (a table captioned below sits right above the next
  // table's caption). Captions with a single possible region choose first; the rest take what is left.
  const free0 = lines.filter((l) => !taken.has(l));
  const ranges = captions.map((cap) => columnRange(cap.bbox, gutters, pageW));
  const options = captions.map((cap, i) =>
    rankSides(cap.start.kind, grow(cap, -1, free0, clusters, capLines, stats, captions, ranges[i]), grow(cap, 1, free0, clusters, capLines, stats, captions, ranges[i])),
  );
  const order = captions.map((_, i) => i).sort((a, b) => Math.min(options[a].length, 2) - Math.min(options[b].length, 2) || a - b);
  const chosen = new Map<number, Grown>();
  const claimed: Rect[] = [];
  for (const i of order) {
    const pick = options[i].find((g) => !claimed.some((r) => clash(r, g.region as Rect)));
    if (!pick) continue;
    chosen.set(i, pick);
    claimed.push(pick.region as Rect);
  }
  captions.forEach((cap, i) => {
    const side = chosen.get(i);
    const free = lines.filter((l) => !taken.has(l));
    const caption = toBlock('caption', cap.lines, page);
    caption.label = cap.start.label;
    caption.float = true;
    if (side?.region) {
      const region = absorb(side.region, free, taken, stats, ranges[i]);
      const inside = free.filter((l) => centerInside(region, l.bbox));
      for (const l of inside) taken.add(l);
      regions.push(region);
      const target: Block = {
        kind: cap.start.kind,
        page,
        lines: inside,
        region,
        text: regionText(cap.start.kind, inside),
        size: dominantSize(inside),
        font: '',
        column: 0,
        label: cap.start.label,
        float: true,
        link: caption,
      };
      caption.link = target;
      // Reading order puts a float where it stands on the page: region and caption in their visual order.
      if (region[1] < cap.bbox[1]) floats.push(target, caption);
      else floats.push(caption, target);
    } else {
      floats.push(caption);
    }
  });
  // Big painted areas nobody captioned: still figures, so their labels stay out of the text.
  for (const c of clusters) {
    const [x0, y0, x1, y1] = c.rect;
    const area = (x1 - x0) * (y1 - y0);
    if (area < 8000 || x1 - x0 < 60 || y1 - y0 < 40 || area > 0.7 * pageW * pageH) continue;
    if (regions.some((r) => overlapShare(r[0], r[2], x0, x1) > 0.5 && overlapShare(r[1], r[3], y0, y1) > 0.5)) continue;
    const rect = absorb(c.rect, lines, taken, stats, columnRange(c.rect, gutters, pageW));
    const inside = lines.filter((l) => !taken.has(l) && centerInside(rect, l.bbox));
    for (const l of inside) taken.add(l);
    regions.push(rect);
    floats.push({ kind: 'figure', page, lines: inside, region: rect, text: regionText('figure', inside), size: dominantSize(inside), font: '', column: 0, float: true });
  }
  return { floats, rest: lines.filter((l) => !taken.has(l)) };
}
