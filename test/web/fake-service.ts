/**
 * An in-memory WukongService for transport and UI tests: no parser, no models. It keeps the
 * bytes it is given, "indexes" them with a few timed job events, and answers every question
 * with evidence the test chooses, so the viewer and highlight code can be checked on a real PDF
 * before (and independently of) the real parser and retriever.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type {
  AskEvent, AskOptions, DocumentModel, DocumentSource, DocumentSummary, ErrorInfo, Evidence, JobInfo, OpenOptions, OpenResult,
  Scope, ServiceEvent, WukongService,
} from '../../core/api.js';
import { WukongError } from '../../core/errors.js';

export interface FakeOptions {
  /** Evidence every question gets (docId is filled in). */
  evidence?: Omit<Evidence, 'docId'>[];
  /** Job steps and the delay between them. */
  steps?: number;
  stepMs?: number;
  /** Delay between answer tokens. */
  tokenMs?: number;
  /**
   * How reading a file ends: an error fails it (CANCELLED cancels it), undefined makes it ready.
   * Decided again on every open, so a test can check re-opening (with a password).
   */
  outcome?: (fileName: string, options: OpenOptions) => ErrorInfo | undefined;
}

export interface FakeService extends WukongService {
  /** Signals the last ask received: tests check that cancelling reached the service. */
  lastAskSignal?: AbortSignal;
  /** The options of every openDocument call, in order. */
  opens: OpenOptions[];
  calls: string[];
}

export function createFakeService(options: FakeOptions = {}): FakeService {
  const docs = new Map<string, { summary: DocumentSummary; bytes: Uint8Array }>();
  const jobs = new Map<string, JobInfo>();
  const listeners = new Set<(e: ServiceEvent) => void>();
  const steps = options.steps ?? 4;
  const stepMs = options.stepMs ?? 150;
  let jobCount = 0;
  const emit = (e: ServiceEvent): void => listeners.forEach((l) => l(e));
  const list = (): DocumentSummary[] => [...docs.values()].map((d) => ({ ...d.summary }));

  const service: FakeService = {
    calls: [],
    opens: [],
    async reopenDocument(docId: string, openOptions: OpenOptions = {}): Promise<OpenResult> {
      const doc = docs.get(docId);
      if (!doc) throw new WukongError('NOT_FOUND');
      return service.openDocument({ bytes: doc.bytes, fileName: doc.summary.fileName }, openOptions);
    },
    async openDocument(source: DocumentSource, openOptions: OpenOptions = {}): Promise<OpenResult> {
      service.calls.push('openDocument');
      service.opens.push(openOptions);
      const bytes = 'path' in source ? new Uint8Array(await readFile(source.path)) : source.bytes;
      const fileName = 'path' in source ? basename(source.path) : source.fileName;
      if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') throw new WukongError('NOT_PDF');
      const id = createHash('sha256').update(bytes).digest('hex');
      const existing = docs.get(id);
      // As the real service: a failed or cancelled document is read again; others are returned as they are.
      if (existing && existing.summary.status !== 'failed' && existing.summary.status !== 'cancelled') return { document: { ...existing.summary } };
      const job: JobInfo = { id: `job${++jobCount}`, kind: 'parse', state: 'running', docId: id, done: 0, total: steps, message: 'Parsing', startedAt: new Date().toISOString() };
      const summary: DocumentSummary = existing?.summary ?? { id, fileName, title: fileName.replace(/\.pdf$/i, ''), pageCount: 0, bytes: bytes.byteLength, addedAt: new Date().toISOString(), status: 'parsing' };
      Object.assign(summary, { status: 'parsing', jobId: job.id, error: undefined });
      docs.set(id, { summary, bytes });
      jobs.set(job.id, job);
      emit({ type: 'documents', documents: list() });
      void (async () => {
        for (let i = 1; i <= steps; i++) {
          await new Promise((r) => setTimeout(r, stepMs));
          Object.assign(job, { done: i, message: `Indexing step ${i} of ${steps}` });
          emit({ type: 'job', job: { ...job } });
        }
        const error = options.outcome?.(fileName, openOptions);
        const state = !error ? 'done' : error.code === 'CANCELLED' ? 'cancelled' : 'failed';
        Object.assign(job, { state, error, endedAt: new Date().toISOString() });
        summary.status = state === 'done' ? 'ready' : state;
        summary.error = error;
        delete summary.jobId;
        emit({ type: 'job', job: { ...job } });
        emit({ type: 'documents', documents: list() });
      })();
      return { document: { ...summary }, job: { ...job } };
    },
    async listDocuments() {
      service.calls.push('listDocuments');
      return list();
    },
    async getDocument(docId: string): Promise<DocumentModel> {
      const d = docs.get(docId);
      if (!d) throw new WukongError('NOT_FOUND');
      return { id: docId, fileName: d.summary.fileName, bytes: d.bytes.byteLength, pageCount: 0, meta: {}, pages: [], units: [], sections: [], parser: { name: 'fake', version: '0', ms: 0 } };
    },
    async getDocumentFile(docId: string) {
      const d = docs.get(docId);
      if (!d) throw new WukongError('NOT_FOUND');
      return d.bytes;
    },
    async removeDocument(docId: string) {
      if (!docs.delete(docId)) throw new WukongError('NOT_FOUND');
      emit({ type: 'documents', documents: list() });
    },
    async listJobs() {
      return [...jobs.values()];
    },
    async cancelJob(jobId: string) {
      const job = jobs.get(jobId);
      if (!job) throw new WukongError('NOT_FOUND');
    },
    async waitForJob(jobId: string) {
      const job = jobs.get(jobId);
      if (!job) throw new WukongError('NOT_FOUND');
      while (job.state === 'running') await new Promise((r) => setTimeout(r, 20));
      return { ...job };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async retrieve(scope: Scope) {
      const docId = 'docIds' in scope ? scope.docIds[0] : [...docs.keys()][0];
      return (options.evidence ?? []).map((e) => ({ ...e, docId }));
    },
    async *ask(scope: Scope, question: string, opts: AskOptions = {}): AsyncIterable<AskEvent> {
      service.calls.push(`ask:${'library' in scope ? '[library] ' : ''}${question}`);
      service.lastAskSignal = opts.signal;
      const evidence = await service.retrieve(scope, question);
      yield { type: 'evidence', evidence };
      if (evidence.length === 0 || /unanswerable/i.test(question)) {
        yield { type: 'done', answer: { text: 'The document does not say.', mode: 'extractive', answerable: false, citations: [], ms: 1 } };
        return;
      }
      const parts = evidence.map((e) => `${e.text.split('. ')[0]} [${e.rank}]. `);
      for (const part of parts) {
        for (const word of part.split(/(?<= )/)) {
          if (opts.signal?.aborted) {
            yield { type: 'error', error: new WukongError('CANCELLED').toJSON() };
            return;
          }
          await new Promise((r) => setTimeout(r, /slowly/i.test(question) ? 300 : (options.tokenMs ?? 5)));
          yield { type: 'token', text: word };
        }
      }
      yield {
        type: 'done',
        answer: {
          text: parts.join('').trim(),
          mode: 'extractive',
          answerable: true,
          citations: evidence.map((e) => ({ n: e.rank, docId: e.docId, unitId: e.unitId, page: e.page })),
          ms: 3,
        },
      };
    },
    async listModels() {
      return [];
    },
    async installModel() {
      throw new WukongError('NOT_IMPLEMENTED');
    },
    async downloadModel() {
      throw new WukongError('NOT_IMPLEMENTED');
    },
    async selectModel() {},
    async verifyModel() {
      throw new WukongError('NOT_IMPLEMENTED');
    },
    async close() {
      listeners.clear();
    },
  };
  return service;
}
