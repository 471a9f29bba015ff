/**
 * Manuscripts typed in a word processor (bioRxiv preprints) set every heading in bold at the body size, so
 * only the named sections ("Introduction", "Materials and Methods") pass as headings, by their words; the
 * subheads under them ("Mutagen sensitivity assays") read as short bold paragraphs. A paper keeps one
 * style for its headings: blocks set wholly in the font and size of its named section headings, after the
 * first of them, are headings too, and a named section over its first subhead in one block is split.
 */
import { markHeading, sectionName, wordy } from './classify.js';
import { simplifyTitle } from './normalize.js';
import { toBlock, TITLE_START, type TextStats } from './paragraphs.js';
import { referenceEntry } from './reference-entry.js';
import type { Block, Glyphs } from './types.js';

/** Body-sized named section headings in a font of their own, all their words in it. */
function namedStyle(b: Block, stats: TextStats): boolean {
  return b.kind === 'heading' && !b.number && sectionName(b.text) && Math.abs(b.size - stats.bodySize) < 0.5 && b.font !== stats.bodyFont && inOwnFont(b, stats);
}

/** Every word of the block in its own font, or in another that is not the text's (a gene name in bold italic). */
function inOwnFont(b: Block, stats: TextStats): boolean {
  const own = (g: Glyphs): boolean => g.font === b.font || g.text.trim().length <= 2 || (g.font !== stats.bodyFont && !stats.monoFonts?.has(g.font));
  return b.lines.every((l) => l.items.every(own));
}

function headingLike(b: Block, stats: TextStats): boolean {
  const text = b.text.trim();
  return b.lines.length <= 3 && text.length <= 200 && !/[.,;:]$/.test(text) && TITLE_START.test(text) && wordy(text) && !referenceEntry(text) && inOwnFont(b, stats);
}

function pointsElsewhere(b: Block, outline: readonly { page: number; key: string }[]): boolean {
  const key = simplifyTitle(b.text);
  const entries = outline.filter((o) => o.key === key);
  return entries.length > 0 && !entries.some((o) => o.page === 0 || o.page === b.page || o.page === b.page - 1);
}

/**
 * `outline`: the PDF outline's titles (simplified) and the pages they point to. Words that name an outline
 * entry pointing to another page are not that section (Cell Press's "STAR★Methods" pointer box on the page
 * before the references; the section itself starts pages later).
 */
export function headingsInNamedStyle(blocks: Block[], stats: TextStats, outline: readonly { page: number; key: string }[] = []): Block[] {
  const named = blocks.filter((b) => namedStyle(b, stats));
  // One named heading could be a bold phrase that happens to be a section's name; two make a style.
  if (named.length < 2) return blocks;
  const styles = new Set(named.map((b) => `${b.font}@${b.size}`));
  const first = blocks.indexOf(named[0]);
  const out = blocks.slice(0, first);
  for (const b of blocks.slice(first)) {
    const styled = (b.kind === 'paragraph' || b.kind === 'heading') && !b.float && styles.has(`${b.font}@${b.size}`);
    if (!styled || !headingLike(b, stats) || (b.kind === 'paragraph' && pointsElsewhere(b, outline))) {
      out.push(b);
      continue;
    }
    const [top, ...rest] = b.lines;
    if (rest.length && sectionName(top.text)) {
      out.push(markHeading(toBlock('heading', [top], b.page), false), markHeading(toBlock('heading', rest, b.page), true));
    } else out.push(b.kind === 'heading' ? b : markHeading(b, true));
  }
  return out;
}
