/**
 * The outline panel: the PDF's own bookmarks (pdf.js getOutline) as a collapsible tree, or, for a
 * file without bookmarks, the section headings the parser found. Picking an entry scrolls the
 * viewer to it; a bookmark's destination is resolved as the page's own links are (links.ts).
 */
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';
import { resolveDest } from './links.js';
import type { OutlineNode, Place } from './outline-nodes.js';

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

/** Renders outline trees into `container` (a tree of buttons; branches fold; arrow keys move as in any tree view). */
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
    tree.addEventListener('keydown', (e) => this.onKey(e, tree));
    // One tab stop for the whole tree (roving tabindex): Tab leaves it, arrows move inside it.
    tree.addEventListener('focusin', (e) => {
      const entry = (e.target as HTMLElement).closest<HTMLElement>('.entry');
      if (entry) this.rove(tree, entry);
    });
    this.container.append(tree);
    const first = tree.querySelector<HTMLElement>('.entry');
    if (first) this.rove(tree, first);
  }

  private rove(tree: HTMLElement, to: HTMLElement): void {
    for (const e of tree.querySelectorAll<HTMLElement>('.entry')) e.tabIndex = e === to ? 0 : -1;
  }

  /** The entries a reader can see now (those inside folded branches are skipped). */
  private visibleEntries(tree: HTMLElement): HTMLElement[] {
    return [...tree.querySelectorAll<HTMLElement>('.entry')].filter((e) => !e.closest('ul[hidden]'));
  }

  private onKey(e: KeyboardEvent, tree: HTMLElement): void {
    const entry = (e.target as HTMLElement).closest<HTMLElement>('.entry');
    const li = entry?.closest<HTMLLIElement>('li[role="treeitem"]');
    if (!entry || !li) return;
    const visible = this.visibleEntries(tree);
    const at = visible.indexOf(entry);
    const expanded = li.getAttribute('aria-expanded');
    const twisty = li.querySelector<HTMLButtonElement>(':scope > .outline-row > .twisty');
    let next: HTMLElement | undefined;
    switch (e.key) {
      case 'ArrowDown': next = visible[at + 1]; break;
      case 'ArrowUp': next = visible[at - 1]; break;
      case 'Home': next = visible[0]; break;
      case 'End': next = visible[visible.length - 1]; break;
      case 'ArrowRight':
        if (expanded === 'false') twisty?.click();
        else if (expanded === 'true') next = li.querySelector<HTMLElement>(':scope > ul .entry') ?? undefined;
        break;
      case 'ArrowLeft':
        if (expanded === 'true') twisty?.click();
        else next = li.parentElement?.closest('li[role="treeitem"]')?.querySelector<HTMLElement>(':scope > .outline-row > .entry') ?? undefined;
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next) next.focus();
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
    twisty.tabIndex = -1;
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
      // Not `disabled`: a disabled button cannot take focus, and arrow keys must still pass through it.
      entry.setAttribute('aria-disabled', 'true');
    }
    row.append(twisty, entry);
    li.append(row);
    if (children) li.append(children);
    return li;
  }
}
