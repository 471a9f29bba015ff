/**
 * <wk-app>: the window. Library on the left, the PDF in the middle, questions on the right.
 * Owns the state shared between them (documents, jobs, the open PDF, conversations) and talks
 * to the service only through the AppClient.
 */
import { LitElement, css, html } from 'lit';
import type { DocumentSummary, Evidence, JobInfo, ServiceEvent } from '../../../core/api.js';
import { WukongError, toWukongError } from '../../../core/errors.js';
import { Conversations } from '../ask/conversation.js';
import type { AskPanel } from '../ask/ask-panel.js';
import type { RegionRenderer } from '../evidence/evidence-list.js';
import '../ask/ask-panel.js';
import type { AppClient, HostCommand } from '../client/app-client.js';
import '../library/library-sidebar.js';
import { loadPdf, type PDFDocumentProxy } from '../pdf/pdfjs.js';
import type { PdfViewer } from '../viewer/pdf-viewer.js';
import '../viewer/pdf-viewer.js';
import { sectionOutline, type OutlineNode } from '../viewer/outline-nodes.js';
import '../models/models-page.js';
import { renderRegion } from '../viewer/region.js';
import { installShortcuts } from './shortcuts.js';
import type { ReopenRequest } from './doc-problem.js';
import './doc-problem.js';
import { placeText, problemOf, type Place } from './status.js';

/** Narrower than this, the side panels fold away (kept in step with the stylesheet's media query). */
const NARROW = '(max-width: 999.98px)';

export class AppShell extends LitElement {
  static override properties = {
    client: { attribute: false },
    documents: { state: true },
    jobs: { state: true },
    selectedId: { state: true },
    pdf: { state: true },
    extractive: { state: true },
    message: { state: true },
    dragging: { state: true },
    activeUnit: { state: true },
    place: { state: true },
    reopening: { state: true },
    modelsOpen: { state: true },
    locked: { state: true },
    openPanel: { type: String, reflect: true, attribute: 'open-panel' },
  };

  declare client: AppClient | undefined;
  declare documents: DocumentSummary[];
  declare jobs: Map<string, JobInfo>;
  declare selectedId: string;
  declare pdf: PDFDocumentProxy | null;
  declare extractive: boolean;
  declare message: string;
  declare dragging: boolean;
  declare activeUnit: string;
  /** Where the viewer is in the document on screen; the status bar shows it when there is no message. */
  declare place: Place | null;
  declare reopening: boolean;
  declare modelsOpen: boolean;
  /** The document on screen needs its password before the viewer can show it (see DocProblem.locked). */
  declare locked: '' | 'needed' | 'wrong';
  /** Under 1,000 px the side panels fold away; this one is shown over the viewer ('' = none). */
  declare openPanel: '' | 'library' | 'ask';
  private conversations = new Conversations();
  /** Passwords given this session, so the viewer can open what the service could; never stored. */
  private passwords = new Map<string, string>();
  /** The document whose PDF was (or is being) loaded into the viewer; '' for none. */
  private attemptedId = '';
  private disposers: (() => void)[] = [];
  private loadCount = 0;

  static override styles = css`
    :host { display: grid; grid-template-columns: 240px minmax(0, 1fr) 380px; grid-template-rows: minmax(0, 1fr) auto; height: 100vh; }
    wk-library { grid-row: 1; grid-column: 1; }
    wk-viewer { grid-row: 1; grid-column: 2; }
    wk-ask { grid-row: 1; grid-column: 3; }
    .footer { grid-row: 2; grid-column: 1 / -1; display: flex; align-items: center; gap: 6px; border-top: 1px solid var(--border); background: var(--panel-bg); }
    .status { flex: 1; font-size: 12px; padding: 2px 8px; color: var(--muted); min-height: 1.4em; }
    .panels { display: none; }
    .panels button { font: inherit; font-size: 12px; padding: 0 8px; border: 1px solid var(--border); border-radius: 4px; background: var(--card-bg, transparent); color: inherit; cursor: pointer; }
    .panels button[aria-pressed='true'] { border-color: var(--accent); color: var(--accent); }
    /* Under 1,000 px the PDF keeps the width; library and questions fold into panels shown over it. */
    @media (max-width: 999.98px) {
      :host { grid-template-columns: minmax(0, 1fr); }
      wk-viewer { grid-column: 1; }
      wk-library, wk-ask { display: none; position: fixed; top: 0; bottom: 1.6em; z-index: 6; background: var(--panel-bg); box-shadow: 0 0 16px rgb(0 0 0 / 0.3); }
      wk-library { left: 0; width: min(280px, 85vw); }
      wk-ask { right: 0; width: min(380px, 95vw); }
      :host([open-panel='library']) wk-library, :host([open-panel='ask']) wk-ask { display: block; }
      .panels { display: inline-flex; gap: 4px; padding-left: 6px; }
    }
    .drop { position: fixed; inset: 0; display: grid; place-items: center; background: rgb(0 100 255 / 0.15); border: 4px dashed var(--accent); font-size: 22px; pointer-events: none; z-index: 10; }
    input[type='file'] { display: none; }
  `;

  constructor() {
    super();
    this.client = undefined;
    this.documents = [];
    this.jobs = new Map();
    this.selectedId = '';
    this.pdf = null;
    this.extractive = true;
    this.message = '';
    this.dragging = false;
    this.activeUnit = '';
    this.place = null;
    this.openPanel = '';
    this.reopening = false;
    this.modelsOpen = false;
    this.locked = '';
  }

  private get viewer(): PdfViewer {
    return this.renderRoot.querySelector('wk-viewer')!;
  }

  private get askPanel(): AskPanel {
    return this.renderRoot.querySelector('wk-ask')!;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // In Electron the menu's accelerators own these keys (and send commands); doing both would
    // open two dialogs for one Ctrl+O.
    if (this.client?.kind !== 'electron') {
      this.disposers.push(
        installShortcuts(window, {
          open: () => void this.openRequest(),
          find: () => this.viewer.openFind(),
          focusQuestion: () => this.focusQuestion(),
          zoomIn: () => this.viewer.zoomIn(),
          zoomOut: () => this.viewer.zoomOut(),
        }),
      );
    }
    const onDragOver = (e: DragEvent): void => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      this.dragging = true;
    };
    const onDragLeave = (e: DragEvent): void => {
      if (e.relatedTarget === null) this.dragging = false;
    };
    const onDrop = (e: DragEvent): void => {
      e.preventDefault();
      this.dragging = false;
      const files = [...(e.dataTransfer?.files ?? [])].filter((f) => f.name.toLowerCase().endsWith('.pdf') || f.type === 'application/pdf');
      if (files.length) void this.openFiles(files);
      else this.message = 'Only PDF files can be opened.';
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    this.disposers.push(() => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  override firstUpdated(): void {
    const client = this.client;
    if (!client) return;
    this.disposers.push(client.onEvent((e) => this.onServiceEvent(e)));
    this.disposers.push(client.onCommand((c) => this.onCommand(c)));
    void this.refresh().then(() => this.restoreOpenDocument());
    void this.checkGenerator();
  }

  /** The document that was open when the window was last closed (or reloaded) is shown again. */
  private async restoreOpenDocument(): Promise<void> {
    try {
      const docId = await this.client!.getOpenDocument();
      if (docId && !this.selectedId && this.documents.some((d) => d.id === docId)) await this.select(docId);
    } catch {
      // Nothing to restore: the window starts empty, as it would the first time.
    }
  }

  /** Whether answers are written by a model or quoted: the ask panel says which. */
  private async checkGenerator(): Promise<void> {
    try {
      const models = await this.client!.listModels();
      this.extractive = !models.some((m) => m.role === 'generator' && m.installed && m.selected);
    } catch {
      // The ask panel keeps its last state; the models page shows the error.
    }
  }

  private async refresh(): Promise<void> {
    try {
      const [documents, jobs] = await Promise.all([this.client!.listDocuments(), this.client!.listJobs()]);
      this.documents = documents;
      this.jobs = new Map(jobs.filter((j) => j.docId).map((j) => [j.docId!, j]));
    } catch (err) {
      this.fail(err);
    }
  }

  private onServiceEvent(event: ServiceEvent): void {
    if (event.type === 'documents') {
      this.documents = event.documents;
      // The shown document may have gone, failed, or come back to life after a reopen.
      void this.select(event.documents.some((d) => d.id === this.selectedId) ? this.selectedId : '');
    } else if (event.job.docId) {
      this.jobs = new Map(this.jobs).set(event.job.docId, event.job);
      if (event.job.state !== 'running') void this.refresh();
    }
  }

  private onCommand(command: HostCommand): void {
    if (command.type === 'open') void this.openRequest();
    else if (command.type === 'close') void this.select('');
    else if (command.type === 'find') this.viewer.openFind();
    else if (command.type === 'focus-question') this.focusQuestion();
    else if (command.type === 'show-document') void this.refresh().then(() => this.select(command.docId));
  }

  private fail(err: unknown): void {
    this.message = toWukongError(err).message;
  }

  private async openRequest(): Promise<void> {
    if (this.client?.showOpenDialog) {
      try {
        const results = await this.client.showOpenDialog();
        if (results.length) await this.select(results[results.length - 1].document.id);
        await this.refresh();
      } catch (err) {
        this.fail(err);
      }
      return;
    }
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click();
  }

  private async openFiles(files: File[]): Promise<void> {
    if (!this.client) return;
    this.message = `Opening ${files.map((f) => f.name).join(', ')}…`;
    try {
      const results = await this.client.openFiles(files);
      this.message = '';
      await this.refresh();
      if (results.length) await this.select(results[results.length - 1].document.id);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Shows `docId` (or nothing); called again whenever the library changes, so it does only what changed. */
  private titleCache: { docs: DocumentSummary[]; titles: Map<string, string> } | null = null;

  /** Titles of the documents a library question can draw on (ready ones), made once per list. */
  private readyTitles(): Map<string, string> {
    if (this.titleCache?.docs !== this.documents) {
      const titles = new Map(this.documents.filter((d) => d.status === 'ready').map((d) => [d.id, d.title || d.fileName]));
      this.titleCache = { docs: this.documents, titles };
    }
    return this.titleCache.titles;
  }

  /** In a narrow window the question box lives in the folded ask panel: unfold it first. */
  private focusQuestion(): void {
    if (matchMedia(NARROW).matches) this.openPanel = 'ask';
    void this.updateComplete.then(() => this.askPanel.focusQuestion());
  }

  private togglePanel(panel: 'library' | 'ask'): void {
    this.openPanel = this.openPanel === panel ? '' : panel;
  }

  private async select(docId: string): Promise<void> {
    if (this.openPanel === 'library') this.openPanel = '';
    const changed = docId !== this.selectedId;
    // A failed or cancelled document is not loaded: its panel says why instead.
    const wanted = docId && !problemOf(this.documents.find((d) => d.id === docId)) ? docId : '';
    if (!changed && wanted === this.attemptedId) return;
    const load = ++this.loadCount;
    if (changed || !wanted) {
      // Messages and the place belong to the document (and state) they were about.
      this.message = '';
      this.place = null;
    }
    this.selectedId = docId;
    if (changed) this.client?.setOpenDocument(docId || null).catch(() => {});
    this.attemptedId = wanted;
    this.activeUnit = '';
    this.locked = '';
    const old = this.pdf;
    this.pdf = null;
    void old?.destroy();
    if (!wanted || !this.client) return;
    try {
      const bytes = await this.client.getDocumentFile(docId);
      const pdf = await loadPdf(bytes, this.passwords.get(docId));
      if (load !== this.loadCount) {
        void pdf.destroy();
        return;
      }
      this.pdf = pdf;
    } catch (err) {
      if (load !== this.loadCount) return;
      if ((err as { name?: string } | null)?.name === 'PasswordException') {
        // A password was tried if this session has one for the document; either way the viewer asks.
        this.locked = this.passwords.has(docId) ? 'wrong' : 'needed';
        return;
      }
      // pdf.js errors are not WukongErrors; "something went wrong inside" would say nothing useful.
      this.message = err instanceof WukongError ? err.message : `The PDF could not be displayed${err instanceof Error && err.name === 'PasswordException' ? ' without its password' : ''}.`;
    }
  }

  private async reopen(request: ReopenRequest): Promise<void> {
    const doc = this.documents.find((d) => d.id === this.selectedId);
    if (!doc || !this.client || this.reopening) return;
    this.reopening = true;
    try {
      if (request.password) this.passwords.set(doc.id, request.password);
      // The viewer alone lacked the password (the service read the file): show it again, no new parse.
      if (this.locked) {
        this.attemptedId = '';
        await this.select(doc.id);
        return;
      }
      await this.client.reopenDocument(doc.id, request.password ? { password: request.password } : {});
      await this.refresh();
      await this.select(doc.id);
    } catch (err) {
      this.fail(err);
    } finally {
      this.reopening = false;
    }
  }

  private async removeDocument(docId: string): Promise<void> {
    const doc = this.documents.find((d) => d.id === docId);
    if (!window.confirm(`Remove “${doc?.title || doc?.fileName || 'this document'}” from the library? The PDF file itself is not deleted.`)) return;
    try {
      await this.client!.removeDocument(docId);
      this.conversations.forget(docId);
      if (docId === this.selectedId) await this.select('');
      await this.refresh();
    } catch (err) {
      this.fail(err);
    }
  }

  private showEvidence(e: Evidence): void {
    this.activeUnit = e.unitId;
    const show = (): void => {
      if (e.docId !== this.selectedId) return;
      this.viewer.showHighlight(e);
      this.place = { page: e.page, section: e.section };
    };
    if (e.docId !== this.selectedId) {
      void this.select(e.docId).then(() => this.viewer.updateComplete).then(show);
      return;
    }
    show();
  }

  /** A section is only known for the cited page: moving anywhere else keeps just the page number. */
  private onPageChange(page: number): void {
    this.place = { page, section: this.place?.page === page ? this.place.section : [] };
  }

  /** One per open PDF: evidence lists draw figure crops of this document only, from its own file. */
  private regionRenderer?: RegionRenderer;
  private regionPdf: PDFDocumentProxy | null = null;

  private regionRendererFor(pdf: PDFDocumentProxy | null): RegionRenderer | undefined {
    if (pdf !== this.regionPdf) {
      this.regionPdf = pdf;
      this.regionRenderer = pdf ? { docId: this.selectedId, render: (page, rect) => renderRegion(pdf, page, rect) } : undefined;
    }
    return this.regionRenderer;
  }

  private sectionsFor?: { docId: string; load: () => Promise<OutlineNode[]> };

  /** One loader per document, so the viewer never shows one document's headings over another's file. */
  private sectionLoader(docId: string): (() => Promise<OutlineNode[]>) | undefined {
    if (!docId || !this.client) return undefined;
    if (this.sectionsFor?.docId !== docId) {
      const client = this.client;
      this.sectionsFor = { docId, load: () => client.getDocument(docId).then(sectionOutline) };
    }
    return this.sectionsFor.load;
  }

  override render() {
    const doc = this.documents.find((d) => d.id === this.selectedId);
    const problem = problemOf(doc);
    return html`
      <wk-library .documents=${this.documents} .jobs=${this.jobs} selectedId=${this.selectedId}
        @select=${(e: CustomEvent<string>) => void this.select(e.detail)}
        @remove=${(e: CustomEvent<string>) => void this.removeDocument(e.detail)}
        @open-request=${() => void this.openRequest()}
        @models-request=${() => (this.modelsOpen = true)}></wk-library>
      <wk-viewer .pdf=${this.pdf} label=${doc?.title ?? ''} .sectionOutline=${this.sectionLoader(this.selectedId)}
        @page-change=${(e: CustomEvent<{ page: number }>) => this.onPageChange(e.detail.page)}
        @pdf-ready=${() => (this.place = { page: 1, section: [] })}>
        ${doc && (problem || this.locked)
          ? html`<wk-doc-problem slot="empty" .doc=${doc} ?busy=${this.reopening} locked=${this.locked}
              @reopen=${(e: CustomEvent<ReopenRequest>) => void this.reopen(e.detail)}
              @remove=${(e: CustomEvent<string>) => void this.removeDocument(e.detail)}
              @open-request=${() => void this.openRequest()}></wk-doc-problem>`
          : ''}
      </wk-viewer>
      <wk-ask .client=${this.client} .conversations=${this.conversations} docId=${this.selectedId} .titles=${this.readyTitles()}
        ?ready=${doc?.status === 'ready'} unavailable=${problem ?? ''} ?extractive=${this.extractive} .renderRegion=${this.regionRendererFor(this.pdf)}
        activeUnit=${this.activeUnit} @show-evidence=${(e: CustomEvent<Evidence>) => this.showEvidence(e.detail)}></wk-ask>
      <div class="footer">
        <span class="panels">
          <button aria-pressed=${String(this.openPanel === 'library')} @click=${() => this.togglePanel('library')}>Library</button>
          <button aria-pressed=${String(this.openPanel === 'ask')} @click=${() => this.togglePanel('ask')}>Ask</button>
        </span>
        <div class="status" role="status" aria-live="polite">${this.message || placeText(doc, this.pdf ? this.place : null)}</div>
      </div>
      ${this.dragging ? html`<div class="drop">Drop a PDF to open it</div>` : ''}
      ${this.modelsOpen
        ? html`<wk-models .client=${this.client} @close=${() => (this.modelsOpen = false)}
            @models-changed=${() => void this.checkGenerator()}></wk-models>`
        : ''}
      <input type="file" accept="application/pdf,.pdf" multiple aria-hidden="true" tabindex="-1"
        @change=${(e: Event) => {
          const input = e.target as HTMLInputElement;
          const files = [...(input.files ?? [])];
          input.value = '';
          if (files.length) void this.openFiles(files);
        }} />
    `;
  }
}

customElements.define('wk-app', AppShell);
