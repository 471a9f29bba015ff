/**
 * The outline panel: the PDF's own bookmarks (pdf.js getOutline) as a collapsible tree, or, for a
 * file without bookmarks, the section headings the parser found. Picking an entry scrolls the
 * viewer to it; a bookmark's destination is resolved as the page's own links are (links.ts).
 */
import type { DocumentModel, SectionNode } from '../../../core/api.js';
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';
import { resolveDest } from './links.js';

export interface Place {
  page: number;
  /** Points from the page's top. */
  y: number;
}

export interface OutlineNode {
  title: string;
  items: OutlineNode[];
  /** A bookmark to a web address instead of a place in the file. */
  url?: string;
  /** null when the destination is missing from the file. */
  target?: () => Promise<Place | null>;
}

interface PdfOutlineItem {
  title: string;
  dest: string | unknown[] | null;
  url: string | null;
  items: PdfOutlineItem[];
}

/** The file's bookmarks; empty when it has none. */
export async function pdfOutline(pdf: PDFDocumentProxy): Promise<OutlineNode[]> {
  const convert = (items: PdfOutlineItem[]): OutlineNode[] =>
    items.map((item) => {
      const node: OutlineNode = { title: item.title.trim() || 'Untitled', items: convert(item.items ?? []) };
      const dest = item.dest;
      if (item.url && /^https?:\/\//i.test(item.url)) node.url = item.url;
      else if (dest) node.target = () => resolveDest(pdf, dest).catch(() => null);
      return node;
    });
  return convert(((await pdf.getOutline()) ?? []) as PdfOutlineItem[]);
}

/** The parsed section tree, each entry at its heading's top (or its page's top when the heading is not a unit). */
export function sectionOutline(model: Pick<DocumentModel, 'sections' | 'units'>): OutlineNode[] {
  const tops = new Map(model.units.map((u) => [u.id, u.bbox[1]]));
  const convert = (sections: SectionNode[]): OutlineNode[] =>
    sections.map((s) => {
      const place = { page: s.page, y: (s.unitId ? tops.get(s.unitId) : undefined) ?? 0 };
      return { title: s.number && !s.title.startsWith(s.number) ? `${s.number} ${s.title}` : s.title, items: convert(s.children), target: () => Promise.resolve(place) };
    });
  return convert(model.sections);
}

/** Renders outline trees into `container` (a tree of buttons; branches fold). */
export class OutlineTree {
  constructor(private readonly container: HTMLElement, private readonly onPick: (place: Place) => void) {}

  clear(): void {
    this.container.replaceChildren();
    delete this.container.dataset.source;
  }

  show(nodes: OutlineNode[], source: 'bookmarks' | 'sections' | 'none' | 'loading'): void {
    this.container.replaceChildren();
    this.container.dataset.source = source;
    if (source === 'loading' || !nodes.length) {
      const note = document.createElement('p');
      note.className = 'outline-note';
      note.textContent = source === 'loading' ? 'Reading the outline…' : 'This document has no outline or section headings.';
      this.container.append(note);
      return;
    }
    if (source === 'sections') {
      const note = document.createElement('p');
      note.className = 'outline-note';
      note.textContent = 'No bookmarks in this file: section headings found in the text.';
      this.container.append(note);
    }
    const tree = this.list(nodes, 1);
    tree.setAttribute('role', 'tree');
    tree.setAttribute('aria-label', 'Outline');
    this.container.append(tree);
  }

  private list(nodes: OutlineNode[], level: number): HTMLUListElement {
    const ul = document.createElement('ul');
    if (level > 1) ul.setAttribute('role', 'group');
    for (const node of nodes) ul.append(this.item(node, level));
    return ul;
  }

  private item(node: OutlineNode, level: number): HTMLLIElement {
    const li = document.createElement('li');
    li.setAttribute('role', 'treeitem');
    li.setAttribute('aria-level', String(level));
    const row = document.createElement('div');
    row.className = 'outline-row';
    let children: HTMLUListElement | null = null;
    const twisty = document.createElement('button');
    twisty.className = 'twisty';
    if (node.items.length) {
      // Branches start folded: a 50-entry outline stays one screen of chapters.
      children = this.list(node.items, level + 1);
      children.hidden = true;
      li.setAttribute('aria-expanded', 'false');
      twisty.textContent = '▸';
      twisty.setAttribute('aria-label', `Expand ${node.title}`);
      twisty.addEventListener('click', () => {
        const open = children!.hidden;
        children!.hidden = !open;
        li.setAttribute('aria-expanded', String(open));
        twisty.textContent = open ? '▾' : '▸';
        twisty.setAttribute('aria-label', `${open ? 'Collapse' : 'Expand'} ${node.title}`);
      });
    } else {
      twisty.disabled = true;
      twisty.setAttribute('aria-hidden', 'true');
    }
    const entry = document.createElement(node.url ? 'a' : 'button');
    entry.className = 'entry';
    entry.textContent = node.title;
    entry.title = node.title;
    if (node.url) {
      const a = entry as HTMLAnchorElement;
      a.href = node.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    } else if (node.target) {
      const target = node.target;
      entry.addEventListener('click', () => void target().then((place) => place && this.onPick(place)));
    } else {
      (entry as HTMLButtonElement).disabled = true;
    }
    row.append(twisty, entry);
    li.append(row);
    if (children) li.append(children);
    return li;
  }
}
