/**
 * <wk-ask>: ask a question about the open document. The answer streams in token by token;
 * [n] markers become citation chips that show the cited lines in the viewer. A generated answer
 * marks the sentences its citations do not support, and says how it was made (model, passages
 * read, speed, cache reuse).
 */
import { LitElement, css, html } from 'lit';
import type { Answer, AskOptions, Evidence, Scope } from '../../../core/api.js';
import { toWukongError } from '../../../core/errors.js';
import type { AppClient } from '../client/app-client.js';
import type { RegionRenderer } from '../evidence/evidence-list.js';
import '../evidence/evidence-list.js';
import { pieces, type Segment } from './answer-text.js';
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
    wholePaper: { state: true },
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
  /** The "Whole paper" box: ask with the whole paper in the model's input. */
  declare wholePaper: boolean;
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
    .preparing { display: flex; align-items: center; gap: 6px; }
    .preparing progress { width: 90px; height: 6px; accent-color: var(--accent); }
    .claim.unsupported { text-decoration: underline dotted var(--warn) 2px; text-underline-offset: 3px; cursor: help; }
    .flag { font-size: 10px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; padding: 0 4px; margin: 0 2px; border-radius: 4px; vertical-align: 1px; cursor: help;
      color: color-mix(in srgb, var(--warn) 55%, var(--fg)); background: color-mix(in srgb, var(--warn) 14%, transparent); border: 1px solid color-mix(in srgb, var(--warn) 45%, transparent); }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .whole { display: flex; align-items: center; gap: 4px; font-size: 12px; color: var(--muted); cursor: pointer; white-space: nowrap; }
    .whole input { margin: 0; accent-color: var(--accent); }
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
    this.wholePaper = false;
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

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('docId') || changed.has('wholeLibrary') || changed.has('client')) void this.loadConversation(this.key);
  }

  /** Shows the stored conversation of the document (or the library) the first time it is shown. */
  private async loadConversation(key: string): Promise<void> {
    const { client, conversations } = this;
    if (!key || !client || !conversations || conversations.loaded(key)) return;
    try {
      const scope: Scope = key === LIBRARY_CONVERSATION ? { library: true } : { docIds: [key] };
      const [latest] = await client.listConversations(scope);
      if (conversations.loaded(key)) return;
      const stored = latest ? await client.getConversation(latest.id) : null;
      if (conversations.loaded(key)) return;
      conversations.load(key, stored);
      this.requestUpdate();
      this.scrollToEnd();
    } catch {
      // Not loaded: questions still work and are stored; the next showing tries again.
    }
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
      // Unchecked leaves wholePaper out: the service decides from the question ("summarise", "limitations"...).
      const options: AskOptions = { extractive: this.extractive, history, conversationId: conversations.conversationId(key), signal: abort.signal };
      if (this.wholePaper && !this.extractive && !this.wholeLibrary) options.wholePaper = true;
      for await (const event of client.ask(scope, question, options)) {
        if (event.type === 'evidence') turn.evidence = event.evidence;
        else if (event.type === 'progress') turn.progress = { message: event.message, done: event.done, total: event.total };
        else if (event.type === 'token') {
          turn.progress = undefined;
          turn.state = 'streaming';
          turn.text += event.text;
        } else if (event.type === 'done') {
          turn.progress = undefined;
          turn.answer = event.answer;
          turn.text = event.answer.text;
          turn.state = 'done';
        } else {
          turn.state = event.error.code === 'CANCELLED' ? 'cancelled' : 'error';
          turn.error = event.error;
        }
        refresh();
        this.follow(turn.id);
      }
      if (turn.state === 'waiting' || turn.state === 'streaming') turn.state = abort.signal.aborted ? 'cancelled' : 'done';
    } catch (err) {
      const info = toWukongError(err).toJSON();
      turn.state = abort.signal.aborted || info.code === 'CANCELLED' ? 'cancelled' : 'error';
      turn.error = info;
    } finally {
      turn.progress = undefined;
      this.busy = false;
      this.abort = undefined;
      refresh();
    }
  }

  /** Deletes the shown conversation from the library; the next question starts a new one. */
  private async clear(): Promise<void> {
    const { client, conversations, key } = this;
    if (!client || !conversations || !key || this.busy) return;
    const id = conversations.conversationId(key);
    try {
      await client.deleteConversation(id);
    } catch {
      // NOT_FOUND: nothing of it was stored yet (no question finished); clearing the panel is all there is to do.
    }
    conversations.restart(key);
    this.requestUpdate();
  }

  /** A stored conversation opens at its latest turn. */
  private scrollToEnd(): void {
    void this.updateComplete.then(() => {
      const turns = this.renderRoot.querySelector('.turns');
      if (turns) turns.scrollTop = turns.scrollHeight;
    });
  }

  /**
   * Follows the answer as it streams, but never scrolls its question out of view: a long answer
   * stops moving once the question reaches the top, and the reader scrolls on from there.
   */
  private follow(turnId: number): void {
    void this.updateComplete.then(() => {
      const turns = this.renderRoot.querySelector<HTMLElement>('.turns');
      const question = this.renderRoot.querySelector<HTMLElement>(`article.turn[data-turn="${turnId}"] .question`);
      if (!turns) return;
      if (!question) {
        turns.scrollTop = turns.scrollHeight;
        return;
      }
      const top = question.getBoundingClientRect().top - turns.getBoundingClientRect().top + turns.scrollTop;
      turns.scrollTop = Math.min(turns.scrollHeight, Math.max(0, top - 8));
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

  private renderSegments(turn: Turn, list: Segment[]) {
    const byN = new Map(turn.evidence.map((e) => [e.rank, e]));
    return list.map((s) => {
      if ('text' in s) return s.text;
      const e = byN.get(s.cite);
      return html`<button class="cite" data-cite=${s.cite} @click=${() => this.cite(turn, s.cite)}
        aria-label="Citation ${s.cite}${e ? `, page ${e.page}` : ''}" title=${e ? `Page ${e.page}${e.section.length ? ` — ${e.section.at(-1)}` : ''}` : ''}>${s.cite}</button>`;
    });
  }

  /** The answer's text; once checked, each sentence in its own span and the unsupported ones marked. */
  private renderText(turn: Turn) {
    const claims = turn.answer && turn.answer.text === turn.text ? turn.answer.claims : undefined;
    return pieces(turn.text, claims).map(({ claim, segments }) => {
      const parts = this.renderSegments(turn, segments);
      if (!claim) return parts;
      if (claim.supported) return html`<span class="claim" data-supported="true">${parts}</span>`;
      const problem = claim.problem ?? (claim.citations.length ? 'not backed by the evidence it cites' : 'no citation');
      const title = `Unsupported: ${problem}`;
      return html`<span class="claim unsupported" data-supported="false" title=${title}>${parts}</span><span class="flag" title=${title}>unsupported<span class="sr-only">: ${problem}</span></span>`;
    });
  }

  private renderState(turn: Turn) {
    if (turn.state !== 'waiting') return '';
    const p = turn.progress;
    if (p) {
      return html`<div class="state preparing" data-state="preparing" title=${p.message}>
        <span>Preparing the language model…</span>
        ${p.total > 0 ? html`<progress max=${p.total} .value=${p.done} aria-label="Preparing the language model"></progress><span>${p.done} of ${p.total}</span>` : ''}
      </div>`;
    }
    if (turn.evidence.length && !this.extractive) return html`<div class="state">Reading ${plural(turn.evidence.length, 'passage')}…</div>`;
    return html`<div class="state">Finding evidence…</div>`;
  }

  private renderAnswer(turn: Turn) {
    const parts = this.renderText(turn);
    const notAnswerable = turn.answer && !turn.answer.answerable;
    return html`
      ${notAnswerable
        ? html`<div class="not-answerable" role="status" data-state="not-answerable"><strong>Not answerable from ${this.wholeLibrary ? 'the library' : 'this document'}.</strong>${turn.text ? html`<div class="answer">${parts}</div>` : ''}</div>`
        : html`<div class="answer" data-state=${turn.state} aria-live=${turn.state === 'streaming' ? 'polite' : 'off'}>${parts}</div>`}
      ${this.renderState(turn)}
      ${turn.state === 'cancelled' ? html`<div class="state">Cancelled.</div>` : ''}
      ${turn.state === 'error' ? html`<div class="error" role="alert">${turn.error?.message}</div>` : ''}
      ${turn.answer ? renderMode(turn.answer, turn.evidence.length) : ''}
      ${turn.evidence.length
        ? html`<h3>${notAnswerable ? 'Closest passages' : 'Evidence'}</h3>
            <wk-evidence .items=${turn.evidence} .titles=${this.titles} ?grouped=${this.wholeLibrary} .renderRegion=${this.renderRegion} activeUnit=${this.activeUnit}></wk-evidence>`
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
          ${this.extractive || this.wholeLibrary
            ? ''
            : html`<label class="whole" title="Give the model the whole paper in reading order instead of the passages that match the question (summaries, contributions, limitations). Unchecked, the question decides.">
                <input type="checkbox" name="whole-paper" .checked=${this.wholePaper} @change=${(e: Event) => (this.wholePaper = (e.target as HTMLInputElement).checked)}>Whole paper</label>`}
          ${!this.busy && turns.length ? html`<button type="button" class="clear" title="Delete this conversation and start a new one" @click=${() => void this.clear()}>Clear</button>` : ''}
          ${this.busy ? html`<button type="button" class="cancel" @click=${this.cancel}>Cancel</button>` : ''}
          <button type="submit" class="ask" ?disabled=${disabled || this.busy}>Ask</button>
        </div>
      </form>
    `;
  }
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** The quiet line under an answer: how it was made. */
function renderMode(answer: Answer, passages: number) {
  const seconds = `${(answer.ms / 1000).toFixed(1)} s`;
  if (answer.mode === 'extractive') {
    return html`<div class="mode" data-mode="extractive">${answer.notice ? html`<span class="notice">${answer.notice}</span> · ` : ''}Quoted from the evidence · ${seconds}</div>`;
  }
  const parts = [`Answer by ${answer.model ?? 'the language model'}`];
  const whole = answer.wholePaper;
  if (whole) parts.push(whole.truncated ? `read the first ${plural(whole.passages, 'passage')} of the paper (the rest did not fit)` : `read the whole paper (${plural(whole.passages, 'passage')})`);
  else if (passages > 0) parts.push(`from ${plural(passages, 'passage')}`);
  const s = answer.stats;
  if (s && s.decodeTps > 0) parts.push(`${s.decodeTps >= 10 ? Math.round(s.decodeTps) : s.decodeTps.toFixed(1)} tokens/s`);
  if (s && s.reusedTokens > 0) parts.push(`cached prefix reused (${s.reusedTokens.toLocaleString('en')} of ${s.promptTokens.toLocaleString('en')} tokens)`);
  parts.push(seconds);
  const detail = s
    ? `${s.promptTokens.toLocaleString('en')} prompt tokens, ${s.generatedTokens.toLocaleString('en')} generated; first token after ${(s.ttftMs / 1000).toFixed(1)} s; model cache ${(s.kvBytes / 2 ** 20).toFixed(1)} MB`
    : '';
  return html`<div class="mode" data-mode="generated" title=${detail}>${parts.join(' · ')}</div>`;
}

customElements.define('wk-ask', AskPanel);
