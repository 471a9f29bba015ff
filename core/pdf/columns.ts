/** Column layout of a page and the reading order it implies. */
import type { Line } from './types.js';

export interface ColumnLayout {
  /** Pages with three or more columns report 'mixed': the model's field has no value for them. */
  columns: 1 | 2 | 'mixed';
  /** x of each gutter's centre, left to right. */
  gutters: number[];
}

/**
 * Looks for a vertical strip in the middle of the page that body lines do not cross while enough lines
 * sit fully on each side of it. Lines crossing it on such a page are full-width (titles, abstracts).
 * A side wider than half the page is searched again: a title and abstract over two of three columns hide
 * the gutter between those two from the page-wide search.
 */
export function detectColumns(lines: readonly Line[], pageWidth: number, runGutters: readonly number[] = []): ColumnLayout {
  const found = splitColumns(lines, pageWidth, runGutters);
  if (found.gutters.length !== 1) return found;
  const g = found.gutters[0];
  const gutters = [g];
  for (const [lo, hi] of [
    [0, g],
    [g, pageWidth],
  ]) {
    if (hi - lo <= 0.55 * pageWidth) continue;
    const inside = lines.filter((l) => l.bbox[0] >= lo - 1 && l.bbox[2] <= hi + 1).map((l) => ({ ...l, bbox: [l.bbox[0] - lo, l.bbox[1], l.bbox[2] - lo, l.bbox[3]] as Line['bbox'] }));
    const sub = splitColumns(inside, hi - lo);
    if (sub.gutters.length === 1) gutters.push(sub.gutters[0] + lo);
  }
  return gutters.length > 1 ? { columns: 'mixed', gutters: gutters.sort((a, b) => a - b) } : found;
}

function splitColumns(lines: readonly Line[], pageWidth: number, runGutters: readonly number[] = []): ColumnLayout {
  const text = lines.filter((l) => l.text.length >= 3 && !l.items[0].vertical);
  if (text.length < 8) return { columns: 1, gutters: [] };
  if (runGutters.length >= 2) {
    // Three columns: each gutter must keep most lines on one side and leave enough on both.
    const ok = runGutters.every((x) => {
      const crossing = text.filter((l) => l.bbox[0] < x - 1 && l.bbox[2] > x + 1).length;
      const left = text.filter((l) => l.bbox[2] <= x + 1).length;
      const right = text.filter((l) => l.bbox[0] >= x - 1).length;
      return crossing <= 0.35 * text.length && left >= 4 && right >= 4;
    });
    if (ok) return { columns: 'mixed', gutters: [...runGutters] };
  }
  const count = (x: number): Probe => {
    let crossing = 0;
    let left = 0;
    let right = 0;
    for (const l of text) {
      if (l.bbox[2] <= x) left++;
      else if (l.bbox[0] >= x) right++;
      else crossing++;
    }
    return { x, crossing, left, right };
  };
  // The gutter the body runs show (findGutters) is tried first: on a first page a narrow sidebar beside a
  // byline and abstract is crossed by fewer lines than the body's gutter below them, yet is no column.
  if (runGutters.length === 1) {
    const found = judge(text, count(runGutters[0]), pageWidth, true);
    if (found.gutters.length) return found;
  }
  let best: Probe | null = null;
  for (let x = pageWidth * 0.3; x <= pageWidth * 0.7; x += 2) {
    const probe = count(x);
    const balance = Math.min(probe.left, probe.right);
    if (!best || probe.crossing < best.crossing || (probe.crossing === best.crossing && balance > Math.min(best.left, best.right))) best = probe;
  }
  return best ? judge(text, best, pageWidth) : { columns: 1, gutters: [] };
}

interface Probe {
  x: number;
  crossing: number;
  left: number;
  right: number;
}

/** Whether a probed gutter splits the page into real columns, and where exactly the gutter lies. */
function judge(text: readonly Line[], best: Probe, pageWidth: number, fromRuns = false): ColumnLayout {
  const total = text.length;
  const minSide = Math.max(4, 0.15 * total);
  if (best.left < minSide || best.right < minSide) return { columns: 1, gutters: [] };
  if (best.crossing > 0.35 * total && !columnsBelowOrAbove(text, best.x, minSide)) return { columns: 1, gutters: [] };
  // Body text in a right column starts at one x; scattered starts are a table or a figure, not a column.
  const starts = new Map<number, number>();
  for (const l of text) if (l.bbox[0] >= best.x) starts.set(Math.round(l.bbox[0] / 3), (starts.get(Math.round(l.bbox[0] / 3)) ?? 0) + 1);
  const aligned = Math.max(...starts.values());
  if (aligned < 0.3 * best.right) return { columns: 1, gutters: [] };
  // A real left column is set justified (or nearly): many of its lines end at one x close to the gutter,
  // and both columns are wide. Short code lines and table cells fail this.
  const leftLines = text.filter((l) => l.bbox[2] <= best.x);
  const rightLines = text.filter((l) => l.bbox[0] >= best.x);
  // The commonest right edge, not the widest: a stray wider line (a caption) must not hide the column edge.
  const ends = new Map<number, number>();
  for (const l of leftLines) for (const k of [Math.floor(l.bbox[2] / 3), Math.ceil(l.bbox[2] / 3)]) ends.set(k, (ends.get(k) ?? 0) + 1);
  const flush = Math.max(0, ...ends.values());
  // A column of running text: wide lines (at least a good share where the rest is a list of abbreviations
  // or key resources) made of words; a table's figures are not.
  const wide = (ls: readonly Line[]): boolean => {
    const text = ls.map((l) => l.text).join('');
    const letters = text.match(/\p{L}/gu)?.length ?? 0;
    const digits = text.match(/\p{N}/gu)?.length ?? 0;
    return ls.filter((l) => l.bbox[2] - l.bbox[0] >= 0.25 * pageWidth).length >= 0.3 * ls.length && letters >= digits;
  };
  // Where the text runs themselves leave the gutter clear, a ragged left column (a summary page's bulleted
  // highlights beside its authors) is a column too when its lines are wide prose.
  const leftReal = (flush >= 0.3 * leftLines.length || fromRuns) && wide(leftLines);
  const rightReal = wide(rightLines);
  // A ragged sidebar (affiliations, abbreviations in small print) beside one real column is a column too
  // when its lines keep their own baselines; a table's cells share their row's baseline.
  if (!(leftReal && rightReal) && (!(leftReal || rightReal) || sharedBaselines(leftLines, rightLines) >= 0.3)) return { columns: 1, gutters: [] };
  // The gutter is the middle of the clear strip between the columns, not where the probe stopped: a line
  // ending a little right of the left column (an abstract's last line over a narrow sidebar) or starting a
  // little left of the right one must not count as crossing it.
  const lo = Math.max(...leftLines.map((l) => l.bbox[2]));
  const hi = Math.min(...rightLines.map((l) => l.bbox[0]));
  return { columns: best.crossing > 0 ? 'mixed' : 2, gutters: [(lo + hi) / 2] };
}

/** Share of the smaller side's lines that sit on a baseline of the other side (within a point). */
function sharedBaselines(a: readonly Line[], b: readonly Line[]): number {
  const [few, many] = a.length <= b.length ? [a, b] : [b, a];
  const rows = new Set(many.map((l) => Math.round(l.baseline)));
  const shared = few.filter((l) => [-1, 0, 1].some((d) => rows.has(Math.round(l.baseline) + d))).length;
  return few.length ? shared / few.length : 1;
}

/**
 * Many full-width lines (a title and abstract over the top half of a first page) do not rule columns out
 * where, between two of them, a stretch of the page holds enough lines on both sides and none across.
 */
function columnsBelowOrAbove(text: readonly Line[], x: number, minSide: number): boolean {
  const across = text.filter((l) => l.bbox[0] < x && l.bbox[2] > x).map((l) => l.bbox[3]).sort((a, b) => a - b);
  const cuts = [-Infinity, ...across, Infinity];
  for (let i = 1; i < cuts.length; i++) {
    const inside = text.filter((l) => l.bbox[1] >= cuts[i - 1] - 1 && l.bbox[3] <= cuts[i] + 1 && l.bbox[3] > cuts[i - 1] + 1);
    const left = inside.filter((l) => l.bbox[2] <= x).length;
    const right = inside.filter((l) => l.bbox[0] >= x).length;
    if (left >= Math.min(minSide, Math.max(4, 0.3 * inside.length)) && right >= Math.min(minSide, Math.max(4, 0.3 * inside.length))) return true;
  }
  return false;
}

/**
 * Sets line.column (0 = leftmost, -1 = across a gutter) and returns the lines in reading order: bands
 * between full-width lines, each band column by column.
 */
export function readingOrder(lines: Line[], layout: ColumnLayout): Line[] {
  // Sideways text the floats left over (a margin banner, a stray rotated label) is read after the page's
  // running text: sorted in among it by its top it would cut a column's paragraphs apart.
  const byTop = (a: Line, b: Line): number => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0];
  const sideways = lines.filter((l) => l.items[0].vertical).sort(byTop);
  const sorted = lines.filter((l) => !l.items[0].vertical).sort(byTop);
  if (layout.columns === 1 || !layout.gutters.length) {
    for (const l of lines) l.column = 0;
    return sorted.concat(sideways);
  }
  const all = layout.gutters;
  const across = (l: Line, x: number): boolean => l.bbox[0] < x - 1 && l.bbox[2] > x + 1;
  // The short last line of a full-width paragraph stays with it: same left edge, one line down, and either
  // ending well short of the gutter the paragraph crosses or with no column line right below it (the first
  // line of a column has the rest of the column under it).
  const tails = new Map<Line, Line>();
  let prev: Line | null = null;
  sorted.forEach((l, i) => {
    const g = prev ? all.find((x) => across(prev as Line, x)) : undefined;
    if (prev && g !== undefined && !all.some((x) => across(l, x))) {
      const dy = l.baseline - prev.baseline;
      if (dy > 0.5 * prev.size && dy <= 1.6 * prev.size && Math.abs(l.bbox[0] - prev.bbox[0]) <= prev.size) {
        let below: Line | undefined;
        for (let k = i + 1; k < sorted.length && !below; k++) {
          const n = sorted[k];
          if (n.bbox[1] >= l.bbox[3] - 1 && n.bbox[0] < l.bbox[2] && n.bbox[2] > l.bbox[0]) below = n;
        }
        const alone = !below || all.some((x) => across(below, x)) || below.baseline - l.baseline > 1.6 * l.size;
        if (alone || l.bbox[2] < g - 2 * l.size) tails.set(l, prev);
      }
    }
    if (all.some((x) => across(l, x))) prev = l;
  });
  const crosses = (l: Line, x: number): boolean => across(tails.get(l) ?? l, x);
  for (const l of lines) l.column = all.some((x) => crosses(l, x)) ? -1 : all.filter((x) => l.bbox[0] >= x - 1).length;
  // A sidebar beside a byline and abstract that leave a margin free ("Received: 12 August 2022", "Check for
  // updates" on a Nature first page; a copyright box right of a Science Advances title) is read after the
  // page's text: in top order it would cut the title or the abstract apart. In running columns no line
  // stands wholly left of a full-width line's start or right of its end on its baseline (with three
  // columns the third may stand beside a title over the first two: it is read as a column).
  const wide = sorted.filter((l) => l.column === -1);
  const last = all.length;
  // Set smaller than the line it stands beside: pieces of a byline split at ORCID badges are the byline.
  const nextTo = (l: Line, w: Line): boolean =>
    l.size < w.size - 0.3 &&
    Math.abs(w.baseline - l.baseline) <= 1.2 * Math.max(w.size, l.size) &&
    ((l.column === 0 && l.bbox[2] < w.bbox[0] - l.size) || (last === 1 && l.column === last && l.bbox[0] > w.bbox[2] + l.size));
  const beside = new Set(sorted.filter((l) => l.column !== -1 && wide.some((w) => nextTo(l, w))));
  const main = beside.size ? sorted.filter((l) => !beside.has(l)) : sorted;
  return orderStrip(main, all, crosses).concat([...beside], sideways);
}

/**
 * Reading order within a strip of the page holding `gutters`: bands between lines crossing every gutter;
 * within a band, a gutter no line of the band crosses splits it into strips read left to right, each
 * ordered the same way (a title and abstract over two of three columns, the third column beside them).
 * A band whose every gutter is crossed somewhere is read column by column between its crossing lines.
 */
function orderStrip(sorted: readonly Line[], gutters: readonly number[], crosses: (l: Line, x: number) => boolean): Line[] {
  if (!gutters.length) return [...sorted];
  const out: Line[] = [];
  let band: Line[] = [];
  const flush = (): void => {
    if (!band.length) return;
    const free = gutters.filter((x) => !band.some((l) => crosses(l, x)));
    if (free.length) {
      for (let i = 0; i <= free.length; i++) {
        const lo = i === 0 ? -Infinity : free[i - 1];
        const hi = i === free.length ? Infinity : free[i];
        const strip = band.filter((l) => l.bbox[0] >= lo - 1 && l.bbox[0] < hi - 1);
        out.push(...orderStrip(strip, gutters.filter((x) => x > lo && x < hi), crosses));
      }
    } else {
      let cols: Line[][] = gutters.map(() => []).concat([[]]);
      const flushCols = (): void => {
        for (const col of cols) out.push(...col);
        cols = gutters.map(() => []).concat([[]]);
      };
      for (const l of band) {
        if (gutters.some((x) => crosses(l, x))) {
          flushCols();
          out.push(l);
        } else cols[gutters.filter((x) => l.bbox[0] >= x - 1).length].push(l);
      }
      flushCols();
    }
    band = [];
  };
  for (const l of sorted) {
    if (gutters.every((x) => crosses(l, x))) {
      flush();
      out.push(l);
    } else band.push(l);
  }
  flush();
  return out;
}
