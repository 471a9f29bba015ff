/**
 * <wk-models>: the model manager, shown over the window. Installed and recommended models with
 * size, RAM and licence; downloads with progress and cancel (download jobs' events); choosing the
 * model each role uses; importing a folder (a native folder dialog in Electron, a typed path in
 * web mode, where the page cannot learn a folder's path).
 */
import { LitElement, css, html } from 'lit';
import type { JobInfo, ModelInfo, ModelRole, Precision, ServiceEvent } from '../../../core/api.js';
import { toWukongError } from '../../../core/errors.js';
import { size } from './sizes.js';
import type { AppClient } from '../client/app-client.js';

const ROLES: { role: ModelRole; title: string; none?: string }[] = [
  { role: 'generator', title: 'Answer models', none: 'Without one, answers quote the evidence sentences.' },
  { role: 'embedder', title: 'Search models' },
];
const PRECISIONS: Precision[] = ['int4', 'int8', 'fp16', 'fp32'];

export class ModelsPage extends LitElement {
  static override properties = {
    client: { attribute: false },
    models: { state: true },
    jobs: { state: true },
    message: { state: true },
    busy: { state: true },
  };

  declare client: AppClient | undefined;
  declare models: ModelInfo[];
  /** The latest download or install job of each model. */
  declare jobs: Map<string, JobInfo>;
  declare message: string;
  declare busy: boolean;
  private folder = '';
  private folderId = '';
  private precision: Precision = 'int4';
  private off?: () => void;
  /** Escape closes the page wherever focus is (a disabled button drops it to the body). */
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.close();
  };

  static override styles = css`
    :host { position: fixed; inset: 0; z-index: 20; display: grid; place-items: center; background: rgb(0 0 0 / 0.35); }
    section:focus { outline: none; }
    section { width: min(880px, 94vw); max-height: 90vh; overflow-y: auto; background: var(--bg); color: var(--fg); border: 1px solid var(--border); border-radius: 8px; box-shadow: 0 12px 40px rgb(0 0 0 / 0.3); padding: 12px 20px 20px; }
    header { display: flex; align-items: center; justify-content: space-between; }
    h2 { font-size: 18px; margin: 4px 0; }
    h3 { font-size: 13px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; padding: 4px 6px; border-bottom: 1px solid var(--border); }
    td { padding: 6px; border-bottom: 1px solid var(--border); vertical-align: top; }
    td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
    .name { font-weight: 600; }
    .desc, .note { color: var(--muted); font-size: 12px; }
    .actions { width: 250px; text-align: right; }
    td.licence { white-space: nowrap; }
    .selected { color: var(--accent); font-weight: 600; }
    progress { width: 100%; height: 8px; display: block; margin: 4px 0 2px; }
    .job { font-size: 11px; color: var(--muted); text-align: left; margin-bottom: 4px; overflow-wrap: anywhere; }
    .failed { color: var(--danger); font-size: 12px; }
    .message { color: var(--danger); margin: 8px 0; }
    form { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
    input, select { font: inherit; padding: 4px 6px; background: var(--input-bg); color: inherit; border: 1px solid var(--border); border-radius: 4px; }
    input.path { flex: 1; min-width: 240px; }
    .close { background: none; border: 0; font-size: 18px; cursor: pointer; color: var(--muted); }
  `;

  constructor() {
    super();
    this.client = undefined;
    this.models = [];
    this.jobs = new Map();
    this.message = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = this.client?.onEvent((e) => this.onServiceEvent(e));
    window.addEventListener('keydown', this.onKey);
    void this.refresh();
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>('section')?.focus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
    window.removeEventListener('keydown', this.onKey);
  }

  private async refresh(): Promise<void> {
    if (!this.client) return;
    try {
      const [models, jobs] = await Promise.all([this.client.listModels(), this.client.listJobs()]);
      this.models = models;
      this.jobs = new Map(jobs.filter((j) => j.modelId).map((j) => [j.modelId!, j]));
    } catch (err) {
      this.message = toWukongError(err).message;
    }
  }

  private onServiceEvent(event: ServiceEvent): void {
    if (event.type !== 'job' || !event.job.modelId) return;
    this.jobs = new Map(this.jobs).set(event.job.modelId, event.job);
    if (event.job.state !== 'running') {
      void this.refresh();
      this.changed();
    }
  }

  private changed(): void {
    this.dispatchEvent(new CustomEvent('models-changed', { bubbles: true, composed: true }));
  }

  private async act(work: () => Promise<unknown>): Promise<void> {
    this.message = '';
    this.busy = true;
    try {
      await work();
      await this.refresh();
      this.changed();
    } catch (err) {
      this.message = toWukongError(err).message;
    } finally {
      this.busy = false;
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }));
  }

  private install(): Promise<void> {
    const client = this.client!;
    const options = { precision: this.precision };
    if (client.installModelFromDialog) return this.act(() => client.installModelFromDialog!(options));
    const folder = this.folder.trim();
    if (!folder) {
      this.message = 'Type the path of a model folder on this computer.';
      return Promise.resolve();
    }
    return this.act(() => client.installModel(folder, this.folderId.trim() || undefined, options));
  }

  private status(m: ModelInfo) {
    const job = this.jobs.get(m.id);
    if (job?.state === 'running') {
      const bytes = job.unit === 'bytes' && job.total > 0;
      return html`
        <progress max=${job.total || 1} value=${job.total ? job.done : 0} aria-label="Progress of ${m.name}"></progress>
        <div class="job" data-job-id=${job.id}>${bytes ? `${size(job.done)} of ${size(job.total)} — ` : ''}${job.message}</div>
        ${job.kind === 'download' ? html`<button class="cancel" @click=${() => this.act(() => this.client!.cancelJob(job.id))}>Cancel</button>` : ''}`;
    }
    const failed = job && job.state === 'failed' && !m.installed ? html`<div class="failed">${job.error?.message ?? job.message}</div>` : '';
    if (m.installed) {
      return m.selected
        ? html`<span class="selected">In use</span>${m.builtin ? '' : html` <button class="unselect" @click=${() => this.act(() => this.client!.selectModel(m.role, null))}>Stop using</button>`}`
        : html`<button class="select" @click=${() => this.act(() => this.client!.selectModel(m.role, m.id))}>Use</button>`;
    }
    return html`${failed}${m.source ? html`<button class="download" ?disabled=${this.busy} @click=${() => this.act(() => this.client!.downloadModel(m.id))}>Download</button>` : ''}`;
  }

  private row(m: ModelInfo) {
    const approx = m.approx ? '~' : '';
    return html`
      <tr data-model-id=${m.id} data-installed=${String(m.installed)}>
        <td><div class="name">${m.name}</div><div class="desc">${m.description}</div>
          ${m.source ? html`<div class="note">${m.source.repo}${m.source.revision ? ` @ ${m.source.revision.slice(0, 10)}` : ''}</div>` : ''}</td>
        <td class="num">${m.sizeBytes ? approx + size(m.sizeBytes) : '—'}</td>
        <td class="num">${m.ramBytes ? approx + size(m.ramBytes) : '—'}</td>
        <td class="licence">${m.licence ?? (m.builtin ? 'bundled' : '—')}</td>
        <td class="actions">${this.status(m)}</td>
      </tr>`;
  }

  override render() {
    const electron = Boolean(this.client?.installModelFromDialog);
    return html`
      <section role="dialog" aria-modal="true" aria-labelledby="models-heading" tabindex="-1">
        <header>
          <h2 id="models-heading">Models</h2>
          <button class="close" @click=${() => this.close()} aria-label="Close models" title="Close">✕</button>
        </header>
        <p class="note">Models run on this computer; nothing you read leaves it. Downloads come from the Hugging Face Hub and are checked before they are installed. ~ = approximate.</p>
        ${this.message ? html`<div class="message" role="alert">${this.message}</div>` : ''}
        ${ROLES.map(({ role, title, none }) => {
          const models = this.models.filter((m) => m.role === role);
          return html`
            <h3>${title}</h3>
            ${none && !models.some((m) => m.installed && m.selected) ? html`<p class="note">${none}</p>` : ''}
            <table aria-label=${title}>
              <thead><tr><th>Model</th><th>Size</th><th>RAM</th><th>Licence</th><th></th></tr></thead>
              <tbody>${models.map((m) => this.row(m))}</tbody>
            </table>`;
        })}
        <h3>Import a folder</h3>
        <form @submit=${(e: Event) => (e.preventDefault(), void this.install())}>
          ${electron
            ? ''
            : html`<input class="path" aria-label="Model folder path" placeholder="/path/to/Qwen2.5-0.5B-Instruct"
                @input=${(e: Event) => (this.folder = (e.target as HTMLInputElement).value)} />
              <input aria-label="Model id (optional)" placeholder="id (optional)" size="14"
                @input=${(e: Event) => (this.folderId = (e.target as HTMLInputElement).value)} />`}
          <label>Precision
            <select aria-label="Precision" @change=${(e: Event) => (this.precision = (e.target as HTMLSelectElement).value as Precision)}>
              ${PRECISIONS.map((p) => html`<option value=${p} ?selected=${p === this.precision}>${p}</option>`)}
            </select>
          </label>
          <button type="submit" class="install" ?disabled=${this.busy}>${electron ? 'Choose folder…' : 'Install'}</button>
        </form>
        <p class="note">A Hugging Face folder: safetensors weights with config.json and tokenizer.json for answer models, an ONNX export for search models. Precision applies to answer models.</p>
      </section>
    `;
  }
}

customElements.define('wk-models', ModelsPage);
