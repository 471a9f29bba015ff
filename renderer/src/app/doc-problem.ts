/**
 * <wk-doc-problem>: what the viewer shows instead of a document whose reading failed or was
 * cancelled. Such a document will never become ready by waiting, so this says why and offers
 * what can help: reading it again (with its password, when that is the problem), or removing it
 * and its stored copy, which for a large damaged file is worth the disk space.
 */
import { LitElement, css, html } from 'lit';
import type { DocumentSummary } from '../../../core/api.js';

import { problemOf } from './status.js';

const PASSWORD_CODES = new Set(['ENCRYPTED', 'BAD_PASSWORD']);

export interface ReopenRequest {
  password?: string;
}

export class DocProblem extends LitElement {
  static override properties = {
    doc: { attribute: false },
    busy: { type: Boolean },
    locked: { type: String },
  };

  declare doc: DocumentSummary | undefined;
  declare busy: boolean;
  /**
   * A ready document the viewer cannot open without its password (passwords live only in memory, so after
   * a reload it is asked for again): 'needed', or 'wrong' after a password that did not open it; '' if not.
   */
  declare locked: '' | 'needed' | 'wrong';

  static override styles = css`
    :host { display: block; max-width: 34em; margin: 48px auto; padding: 16px 20px; border: 1px solid var(--border); border-left: 4px solid var(--danger); border-radius: 6px; background: var(--panel-bg); }
    :host([data-status='cancelled']) { border-left-color: var(--warn); }
    h2 { font-size: 16px; margin: 0 0 8px; overflow-wrap: anywhere; }
    p { margin: 0 0 12px; line-height: 1.5; }
    form { display: flex; gap: 6px; }
    input { flex: 1; font: inherit; padding: 4px 6px; background: var(--input-bg); color: inherit; border: 1px solid var(--border); border-radius: 4px; }
    .note { color: var(--muted); font-size: 12px; }
    .actions { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .actions form { flex: 1; }
  `;

  constructor() {
    super();
    this.doc = undefined;
    this.busy = false;
    this.locked = '';
  }

  private reopen(request: ReopenRequest): void {
    this.dispatchEvent(new CustomEvent<ReopenRequest>('reopen', { detail: request, bubbles: true, composed: true }));
  }

  private askRemoval(doc: DocumentSummary): void {
    this.dispatchEvent(new CustomEvent<string>('remove', { detail: doc.id, bubbles: true, composed: true }));
  }

  private onPassword(e: Event): void {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[type=password]')!;
    if (input.value) this.reopen({ password: input.value });
  }

  private renderAction(doc: DocumentSummary) {
    if (this.locked || (doc.status === 'failed' && PASSWORD_CODES.has(doc.error?.code ?? ''))) {
      return html`<form @submit=${this.onPassword} aria-label="Open with password">
        <input type="password" aria-label="PDF password" placeholder="Password" autocomplete="off" ?disabled=${this.busy} />
        <button type="submit" class="reopen" ?disabled=${this.busy}>Open with password</button>
      </form>`;
    }
    if (doc.status !== 'cancelled') return '';
    return html`<button class="reopen" ?disabled=${this.busy} @click=${() => this.reopen({})}>Read it again</button>`;
  }

  override willUpdate(): void {
    this.dataset.status = this.doc?.status ?? '';
  }

  override render() {
    const doc = this.doc;
    if (!doc) return '';
    const name = doc.title || doc.fileName;
    if (this.locked) {
      return html`
        <div role="alert">
          <h2>“${name}” is password-protected</h2>
          <p class="reason">${this.locked === 'wrong' ? 'That password did not open it.' : 'Enter its password to show it.'}</p>
        </div>
        ${this.renderAction(doc)}
      `;
    }
    return html`
      <div role="alert">
        <h2>${doc.status === 'cancelled' ? `Reading “${name}” was cancelled` : `“${name}” could not be read`}</h2>
        <p class="reason">${problemOf(doc)}</p>
      </div>
      <div class="actions">
        ${this.renderAction(doc)}
        <button class="remove" ?disabled=${this.busy} @click=${() => this.askRemoval(doc)}>Remove from library</button>
      </div>
    `;
  }
}

customElements.define('wk-doc-problem', DocProblem);
