/**
 * <wk-ask>: ask a question about the open document. The answer streams in token by token;
 * [n] markers become citation chips that show the cited lines in the viewer.
 */
import { LitElement, css, html } from 'lit';
import type { Evidence, Scope } from '../../../core/api.js';
import { toWukongError } from '../../../core/errors.js';
import type { AppClient } from '../client/app-client.js';
import type { RegionRenderer } from '../evidence/evidence-list.js';
import '../evidence/evidence-list.js';
import { segments } from './answer-text.js';
import type { Conversations, Turn } from './conversation.js';

const LIBRARY_CONVERSATION = '\u0000library';

export class AskPanel extends LitElement {
  static override properties = {
    client: { attribute: false },
    conversations: { attribute: false },
    docId: { type: String },
    ready: { type: Boolean },
    unavailable: { type: String },
    extractive: { type: Boolean },
    renderRegion: { attribute: false },
    activeUnit: { type: String },
    titles: { attribute: false },
    busy: { state: true },
    wholeLibrary: { state: true },
  };

  declare client: AppClient | undefined;
  declare conversations: Conversations | undefined;
  declare docId: string;
  declare ready: boolean;
  /** Why this document can never be asked about as it is (its reading failed); '' otherwise. */
  declare unavailable: string;
  declare extractive: boolean;
  declare renderRegion: RegionRenderer | undefined;
  declare activeUnit: string;
  declare busy: boolean;
  /** Document titles by id: evidence from several documents is grouped under them. */
  declare titles: ReadonlyMap<string, string>;
  /** Ask over every document in the library instead of the open one. */
  declare wholeLibrary: boolean;
  private abort?: AbortController;

  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; background: var(--panel-bg); border-left: 1px solid var(--border); }
    .turns { flex: 1; overflow-y: auto; padding: 8px; display: flex; flex-direction: column; gap: 12px; }
    .question { font-weight: 600; }
    .answer { line-height: 1.5; white-space: pre-wrap; margin: 4px 0 8px; }
    .cite { font: inherit; font-size: 11px; font-weight: 700; padding: 0 4px; margin: 0 1px; border-radius: 4px; border: 1px solid var(--accent); background: var(--chip-bg); color: var(--accent); cursor: pointer; vertical-align: 1px; }
    .cite:hover, .cite:focus-visible { background: var(--accent); color: var(--accent-fg); }
    .not-answerable { border-left: 3px solid var(--warn); padding: 4px 8px; background: var(--card-bg); margin: 4px 0; }
    .error { color: var(--danger); }
    .state { color: var(--muted); font-size: 12px; }
    .mode { color: var(--muted); font-size: 11px; }
    form { display: flex; flex-direction: column; gap: 6px; padding: 8px; border-top: 1px solid var(--border); }
    textarea { resize: vertical; min-height: 3.2em; font: inherit; padding: 6px; background: var(--input-bg); color: inherit; border: 1px solid var(--border); border-radius: 6px; }
    .row { display: flex; gap: 6px; justify-content: flex-end; align-items: center; }
    .hint { flex: 1; color: var(--muted); font-size: 11px; }
    .scope { flex: 1; display: flex; gap: 10px; font-size: 12px; color: var(--muted); }
    .scope label { display: inline-flex; gap: 3px; align-items: center; cursor: pointer; }
    .empty { color: var(--muted); font-size: 13px; padding: 8px; }
    h3 { font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 4px 0; }
  `;

  constructor() {
    super();
    this.client = undefined;
    this.conversations = undefined;
    this.docId = '';
    this.ready = false;
    this.unavailable = '';
    this.extractive = true;
    this.renderRegion = undefined;
    this.activeUnit = '';
    this.busy = false;
    this.titles = new Map();
    this.wholeLibrary = false;
  }

  focusQuestion(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** The conversation shown: the open document's, or the library's own (it stays put as citations open other documents). */
  private get key(): string {
    return this.wholeLibrary ? LIBRARY_CONVERSATION : this.docId;
  }

  private get turns(): Turn[] {
    return this.key && this.conversations ? this.conversations.turns(this.key) : [];
  }

  private async ask(question: string): Promise<void> {
    const { client, conversations, key } = this;
    if (!client || !conversations || !key || this.busy) return;
    const history = conversations.history(key);
    const turn = conversations.start(key, question);
    const abort = (this.abort = new AbortController());
    this.busy = true;
    const scope: Scope = this.wholeLibrary ? { library: true } : { docIds: [this.docId] };
    const refresh = (): void => this.requestUpdate();
    refresh();
    try {
      for await (const event of client.ask(scope, question, { extractive: this.extractive, history, signal: abort.signal })) {
        if (event.type === 'evidence') turn.evidence = event.evidence;
        else if (event.type === 'token') {
          turn.state = 'streaming';
          turn.text += event.text;
        } else if (event.type === 'done') {
          turn.answer = event.answer;
          turn.text = event.answer.text;
          turn.state = 'done';
        } else {
          turn.state = event.error.code === 'CANCELLED' ? 'cancelled' : 'error';
          turn.error = event.error;
        }
        refresh();
        this.scrollToEnd();
      }
      if (turn.state === 'waiting' || turn.state === 'streaming') turn.state = abort.signal.aborted ? 'cancelled' : 'done';
    } catch (err) {
      const info = toWukongError(err).toJSON();
      turn.state = abort.signal.aborted || info.code === 'CANCELLED' ? 'cancelled' : 'error';
      turn.error = info;
    } finally {
      this.busy = false;
      this.abort = undefined;
      refresh();
    }
  }

  private scrollToEnd(): void {
    void this.updateComplete.then(() => {
      const turns = this.renderRoot.querySelector('.turns');
      if (turns) turns.scrollTop = turns.scrollHeight;
    });
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const box = this.renderRoot.querySelector('textarea')!;
    const question = box.value.trim();
    if (!question) return;
    box.value = '';
    void this.ask(question);
  }

  private onKey(e: KeyboardEvent): void {
    // Enter asks; Shift+Enter is a new line.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.onSubmit(e);
  }

  private cite(turn: Turn, n: number): void {
    const citation = turn.answer?.citations.find((c) => c.n === n);
    const evidence = turn.evidence.find((e) => (citation ? e.unitId === citation.unitId : e.rank === n)) ?? turn.evidence.find((e) => e.rank === n);
    // The citation's own sentences when it names them (a quote), else the sentences the evidence fed.
    const detail = evidence && citation?.spans?.length ? { ...evidence, spans: citation.spans } : evidence;
    if (detail) this.dispatchEvent(new CustomEvent<Evidence>('show-evidence', { detail, bubbles: true, composed: true }));
  }

  private renderAnswer(turn: Turn) {
    const byN = new Map(turn.evidence.map((e) => [e.rank, e]));
    const parts = segments(turn.text).map((s) => {
      if ('text' in s) return s.text;
      const e = byN.get(s.cite);
      return html`<button class="cite" data-cite=${s.cite} @click=${() => this.cite(turn, s.cite)}
        aria-label="Citation ${s.cite}${e ? `, page ${e.page}` : ''}" title=${e ? `Page ${e.page}${e.section.length ? ` — ${e.section.at(-1)}` : ''}` : ''}>${s.cite}</button>`;
    });
    const notAnswerable = turn.answer && !turn.answer.answerable;
    return html`
      ${notAnswerable
        ? html`<div class="not-answerable" role="status" data-state="not-answerable"><strong>Not answerable from ${this.wholeLibrary ? 'the library' : 'this document'}.</strong>${turn.text ? html`<div class="answer">${parts}</div>` : ''}</div>`
        : html`<div class="answer" data-state=${turn.state} aria-live=${turn.state === 'streaming' ? 'polite' : 'off'}>${parts}</div>`}
      ${turn.state === 'waiting' ? html`<div class="state">Finding evidence…</div>` : ''}
      ${turn.state === 'cancelled' ? html`<div class="state">Cancelled.</div>` : ''}
      ${turn.state === 'error' ? html`<div class="error" role="alert">${turn.error?.message}</div>` : ''}
      ${turn.answer ? html`<div class="mode">${turn.answer.mode === 'extractive' ? 'Quoted from the evidence' : `Generated by ${turn.answer.model ?? 'the model'}`} · ${(turn.answer.ms / 1000).toFixed(1)} s</div>` : ''}
      ${turn.evidence.length
        ? html`<h3>${notAnswerable ? 'Closest passages' : 'Evidence'}</h3>
            <wk-evidence .items=${turn.evidence} .titles=${this.titles} .renderRegion=${this.renderRegion} activeUnit=${this.activeUnit}></wk-evidence>`
        : ''}
    `;
  }

  override render() {
    const turns = this.turns;
    // The library can be asked whatever the open document's state; the open document only when it is ready.
    const disabled = this.wholeLibrary ? this.titles.size === 0 : !this.docId || !this.ready || !!this.unavailable;
    return html`
      <section class="turns" aria-label="Conversation" aria-live="polite">
 ${turns.length === 0 && this.wholeLibrary
          ? html`<div class="empty">Ask a question across every document in the library. Evidence is grouped by document.</div>`
          : ''}
        ${turns.length === 0 && !this.wholeLibrary
          ? html`<div class="empty" data-state=${this.unavailable ? 'unavailable' : ''}>${!this.docId ? 'Open a document to ask about it.' : this.unavailable ? `You can't ask about this document: ${this.unavailable}` : this.ready ? 'Ask a question about this document. Answers cite the lines they come from.' : 'Indexing… you can ask once the document is ready.'}</div>`
          : ''}
        ${turns.map((t) => html`<article class="turn" data-turn=${t.id} data-state=${t.state}>
          <div class="question">${t.question}</div>
          ${this.renderAnswer(t)}
        </article>`)}
      </section>
      <form @submit=${this.onSubmit} aria-label="Ask a question">
        <textarea aria-label="Question" placeholder=${this.wholeLibrary ? 'Ask about the whole library (Ctrl+L)' : this.unavailable ? 'This document cannot be asked about' : disabled ? 'Waiting for the document…' : 'Ask about this document (Ctrl+L)'} ?disabled=${disabled} @keydown=${this.onKey}></textarea>
        <div class="row">
          <div class="scope" role="radiogroup" aria-label="Ask about">
            <label><input type="radio" name="scope" .checked=${!this.wholeLibrary} @change=${() => (this.wholeLibrary = false)} /> This paper</label>
            <label><input type="radio" name="scope" .checked=${this.wholeLibrary} @change=${() => (this.wholeLibrary = true)} /> Whole library</label>
          </div>
        </div>
        <div class="row">
          <span class="hint">${this.extractive ? 'No language model installed: answers quote the evidence.' : ''}</span>
          ${this.busy ? html`<button type="button" class="cancel" @click=${this.cancel}>Cancel</button>` : ''}
          <button type="submit" class="ask" ?disabled=${disabled || this.busy}>Ask</button>
        </div>
      </form>
    `;
  }
}

customElements.define('wk-ask', AskPanel);
