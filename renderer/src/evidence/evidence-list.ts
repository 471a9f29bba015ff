/**
 * <wk-evidence>: the evidence behind an answer, numbered like its citations. Paragraphs show a
 * snippet and their section; figures and tables show their region rendered from the PDF, or the
 * crop a vision-language model read (Evidence.imageDataUrl), marked as such.
 */
import { LitElement, css, html } from 'lit';
import type { Evidence } from '../../../core/api.js';
import type { Rect } from '../../../core/api.js';

/** Draws regions of one document's file (the one open in the viewer). */
export interface RegionRenderer {
  docId: string;
  render(page: number, rect: Rect): Promise<string>;
}

const SNIPPET = 260;

export class EvidenceList extends LitElement {
  static override properties = {
    items: { attribute: false },
    renderRegion: { attribute: false },
    activeUnit: { type: String },
    titles: { attribute: false },
    grouped: { type: Boolean },
    thumbs: { state: true },
  };

  declare items: Evidence[];
  declare renderRegion: RegionRenderer | undefined;
  declare activeUnit: string;
  /** Document titles by id, for the group headings when the evidence comes from several documents. */
  declare titles: ReadonlyMap<string, string>;
  /** A library answer names its documents even when all its evidence comes from one of them. */
  declare grouped: boolean;
  declare thumbs: Map<string, string>;

  static override styles = css`
    :host { display: block; }
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
    button.item { display: block; width: 100%; text-align: left; background: var(--card-bg); color: inherit; border: 1px solid var(--border); border-radius: 6px; padding: 6px 8px; cursor: pointer; font: inherit; font-size: 12px; }
    button.item:hover, button.item[aria-pressed='true'] { border-color: var(--accent); }
    .head { display: flex; gap: 6px; align-items: baseline; color: var(--muted); font-size: 11px; }
    .rank { font-weight: 700; color: var(--accent); }
    .section { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; }
    .text { margin-top: 2px; line-height: 1.35; }
    .doc { font-size: 11px; font-weight: 700; color: var(--muted); margin: 6px 0 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .seen { font-size: 10px; color: var(--accent); }
    img { display: block; max-width: 100%; max-height: 160px; margin-top: 4px; background: white; border: 1px solid var(--border); }
  `;

  constructor() {
    super();
    this.items = [];
    this.renderRegion = undefined;
    this.activeUnit = '';
    this.titles = new Map();
    this.grouped = false;
    this.thumbs = new Map();
  }

  override updated(changed: Map<string, unknown>): void {
    if (!changed.has('items') && !changed.has('renderRegion')) return;
    const source = this.renderRegion;
    if (!source) return;
    for (const e of this.items) {
      // A library answer's figures from other documents wait until their own file is open.
      if ((e.kind === 'figure' || e.kind === 'table') && !e.imageDataUrl && e.docId === source.docId && !this.thumbs.has(thumbKey(e))) {
        source.render(e.page, e.bbox).then(
          (url) => {
            this.thumbs = new Map(this.thumbs).set(thumbKey(e), url);
          },
          () => undefined,
        );
      }
    }
  }

  private pick(e: Evidence): void {
    this.dispatchEvent(new CustomEvent('show-evidence', { detail: e, bubbles: true, composed: true }));
  }

  private renderItem(e: Evidence) {
    const text = e.text.length > SNIPPET ? `${e.text.slice(0, SNIPPET)}…` : e.text;
    const thumb = e.imageDataUrl ?? this.thumbs.get(thumbKey(e));
    return html`<li>
      <button class="item" data-unit-id=${e.unitId} data-rank=${e.rank} aria-pressed=${String(e.unitId === this.activeUnit)}
        @click=${() => this.pick(e)} aria-label="Evidence ${e.rank}, page ${e.page}${e.label ? `, ${e.label}` : ''}">
        <div class="head"><span class="rank">[${e.rank}]</span><span class="section" title=${e.section.join(' › ')}>${e.section.at(-1) ?? e.kind}</span><span>p. ${e.page}</span>${e.imageDataUrl ? html`<span class="seen" title="The model read this crop as an image">image</span>` : ''}</div>
        ${thumb ? html`<img src=${thumb} alt=${e.label ?? `${e.kind} on page ${e.page}`} />` : ''}
        <div class="text">${e.label ? html`<strong>${e.label}.</strong> ` : ''}${text}</div>
      </button>
    </li>`;
  }

  override render() {
    // Evidence from several documents (a library question) is grouped by document, best document first.
    const groups = new Map<string, Evidence[]>();
    for (const e of this.items) groups.set(e.docId, [...(groups.get(e.docId) ?? []), e]);
    if (groups.size <= 1 && !this.grouped) return html`<ol aria-label="Evidence">${this.items.map((e) => this.renderItem(e))}</ol>`;
    return html`${[...groups].map(
      ([docId, items]) => html`<h4 class="doc" data-doc-id=${docId}>${this.titles.get(docId) ?? 'Document'}</h4>
        <ol aria-label="Evidence from ${this.titles.get(docId) ?? 'a document'}">${items.map((e) => this.renderItem(e))}</ol>`,
    )}`;
  }
}

function thumbKey(e: Evidence): string {
  return `${e.docId}\u0000${e.unitId}`;
}

customElements.define('wk-evidence', EvidenceList);
