/** <wk-library>: the documents in the library, with their indexing progress, status and removal. */
import { LitElement, css, html } from 'lit';
import type { DocumentSummary, JobInfo } from '../../../core/api.js';

/** A document that waiting will not make ready: its removal is spelled out, not left to a small cross. */
const stuck = (doc: DocumentSummary): boolean => doc.status === 'failed' || doc.status === 'cancelled';

export class LibrarySidebar extends LitElement {
  static override properties = {
    documents: { attribute: false },
    jobs: { attribute: false },
    selectedId: { type: String },
  };

  declare documents: DocumentSummary[];
  declare jobs: Map<string, JobInfo>;
  declare selectedId: string;

  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; background: var(--panel-bg); border-right: 1px solid var(--border); }
    header { display: flex; align-items: center; justify-content: space-between; padding: 8px; border-bottom: 1px solid var(--border); }
    h2 { font-size: 13px; margin: 0; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
    ul { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; }
    li { border-bottom: 1px solid var(--border); }
    li[aria-current='true'] { background: var(--selected-bg); }
    .doc { display: flex; align-items: start; gap: 4px; padding: 8px; }
    .open { flex: 1; min-width: 0; text-align: left; background: none; border: 0; color: inherit; font: inherit; cursor: pointer; padding: 0; }
    .title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; display: block; }
    .meta { font-size: 11px; color: var(--muted); }
    .status-failed { color: var(--danger); }
    progress { width: 100%; height: 6px; margin-top: 4px; }
    .remove { background: none; border: 0; color: var(--muted); cursor: pointer; font-size: 14px; }
    .remove:hover { color: var(--danger); }
    .remove.labelled { font-size: 12px; border: 1px solid var(--border); border-radius: 4px; padding: 1px 6px; }
    .empty { padding: 16px 8px; color: var(--muted); font-size: 13px; }
  `;

  constructor() {
    super();
    this.documents = [];
    this.jobs = new Map();
    this.selectedId = '';
  }

  private emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private progress(doc: DocumentSummary) {
    const job = (doc.jobId && [...this.jobs.values()].find((j) => j.id === doc.jobId)) || this.jobs.get(doc.id);
    if (!job || job.state !== 'running') return doc.status === 'parsing' || doc.status === 'indexing' ? html`<progress aria-label="Indexing ${doc.title}"></progress>` : '';
    return html`
      <progress class="job-progress" max=${job.total || 1} value=${job.total ? job.done : 0} aria-label="Indexing ${doc.title}" data-job-id=${job.id}></progress>
      <div class="meta job-message">${job.message}</div>
    `;
  }

  override render() {
    return html`
      <header>
        <h2 id="library-heading">Library</h2>
        <span>
          <button class="models" @click=${() => this.emit('models-request')} aria-label="Models" title="Models for answers and search">Models</button>
          <button @click=${() => this.emit('open-request')} aria-label="Open a PDF" title="Open (Ctrl+O)">Open…</button>
        </span>
      </header>
      ${this.documents.length === 0 ? html`<div class="empty">No documents yet. Open a PDF or drop one on the window.</div>` : ''}
      <ul aria-labelledby="library-heading">
        ${this.documents.map((doc) => html`
          <li aria-current=${String(doc.id === this.selectedId)} data-doc-id=${doc.id} data-status=${doc.status}>
            <div class="doc">
              <button class="open" @click=${() => this.emit('select', doc.id)} aria-label="Show ${doc.title || doc.fileName}">
                <span class="title">${doc.title || doc.fileName}</span>
                <span class="meta ${doc.status === 'failed' ? 'status-failed' : ''}">
                  ${doc.pageCount ? `${doc.pageCount} pages · ` : ''}<span class="status">${doc.status}</span>${doc.error ? ` — ${doc.error.message}` : ''}
                </span>
                ${this.progress(doc)}
              </button>
              <button class="remove ${stuck(doc) ? 'labelled' : ''}" @click=${() => this.emit('remove', doc.id)} aria-label="Remove ${doc.title || doc.fileName} from the library" title="Remove">${stuck(doc) ? 'Remove' : '✕'}</button>
            </div>
          </li>`)}
      </ul>
    `;
  }
}

customElements.define('wk-library', LibrarySidebar);
