/**
 * An in-memory WukongService for transport and UI tests: no parser, no models. It keeps the
 * bytes it is given, "indexes" them with a few timed job events, and answers every question
 * with evidence the test chooses, so the viewer and highlight code can be checked on a real PDF
 * before (and independently of) the real parser and retriever.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type {
  Answer, AskEvent, AskOptions, Claim, ConversationTurn, DocumentModel, DocumentSource, DocumentSummary, ErrorInfo, Evidence, GenerateEvent, InstallOptions, JobInfo, ModelInfo,
  ModelRole, OpenOptions, OpenResult, Scope, ServiceEvent, StoredConversation, WukongService,
} from '../../core/api.js';
import { WukongError } from '../../core/errors.js';

export interface FakeOptions {
  /**
   * Evidence every question gets (docId is filled in). A library question gives an item that names
   * a `fileName` the id of that document, so evidence can come from several documents.
   */
  evidence?: (Omit<Evidence, 'docId'> & { fileName?: string })[];
  /** What getDocument gives for a file (its sections and units); none by default. */
  documentModel?: (fileName: string) => Pick<DocumentModel, 'sections' | 'units'> | undefined;
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
  /** Models to list; a download of one runs `steps` byte-counted steps and can be cancelled. */
  models?: ModelInfo[];
}

export interface FakeService extends WukongService {
  /** Signals the last ask received: tests check that cancelling reached the service. */
  lastAskSignal?: AbortSignal;
  /** The options of every openDocument call, in order. */
  opens: OpenOptions[];
  calls: string[];
  /** Every installModel call's arguments. */
  installs: [string, string | undefined, InstallOptions | undefined][];
  /** Every ask call's question and options (without the signal), in order. */
  askCalls: { question: string; options: Omit<AskOptions, 'signal'> }[];
  /** The answer stream of ask, before it is recorded in a conversation. */
  answer(scope: Scope, question: string, opts?: AskOptions): AsyncIterable<AskEvent>;
}

/**
 * A generated answer over the test's evidence, as the real service gives one: three sentences,
 * the last citing evidence it shares no word with (unsupported), with stats; a follow-up (history
 * given) reports its reused prefix, a whole-paper question the passages it read.
 */
export function fakeGeneratedAnswer(evidence: Evidence[], opts: AskOptions): Answer {
  const [first, second = first] = evidence;
  const sentences = [
    `${first.text.split('. ')[0]} [${first.rank}].`,
    `${second.label ?? second.text.split('. ')[0]} shows the fitted curves [${second.rank}].`,
    `Zebras migrate across Kenya every winter [${first.rank}].`,
  ];
  const text = sentences.join(' ');
  const claims: Claim[] = [];
  let from = 0;
  sentences.forEach((sentence, i) => {
    const start = text.indexOf(sentence, from);
    from = start + sentence.length;
    const cited = Number(/\[(\d+)\]/.exec(sentence)![1]);
    claims.push({ start, end: from, citations: [cited], supported: i < 2, ...(i < 2 ? {} : { problem: 'shares no content word with the cited evidence' }) });
  });
  const promptTokens = opts.wholePaper ? 7_412 : 1_040;
  return {
    text,
    mode: 'generated',
    answerable: true,
    citations: [...new Map(evidence.map((e) => [e.rank, { n: e.rank, docId: e.docId, unitId: e.unitId, page: e.page }])).values()],
    claims,
    model: 'qwen2.5-0.5b-instruct',
    stats: { promptTokens, reusedTokens: opts.history?.length ? 812 : 0, generatedTokens: 41, ttftMs: 640, decodeTps: 18.4, kvBytes: 12_582_912 },
    ...(opts.wholePaper ? { wholePaper: { passages: 42, truncated: false } } : {}),
    ms: 2_950,
  };
}

export function createFakeService(options: FakeOptions = {}): FakeService {
  const docs = new Map<string, { summary: DocumentSummary; bytes: Uint8Array }>();
  const jobs = new Map<string, JobInfo>();
  const listeners = new Set<(e: ServiceEvent) => void>();
  const steps = options.steps ?? 4;
  const stepMs = options.stepMs ?? 150;
  let jobCount = 0;
  let filesDir: string | undefined;
  const emit = (e: ServiceEvent): void => listeners.forEach((l) => l(e));
  const list = (): DocumentSummary[] => [...docs.values()].map((d) => ({ ...d.summary }));

  const models = (options.models ?? []).map((m) => ({ ...m }));
  const cancelled = new Set<string>();
  /** Conversations and the open document, kept in memory as the real service keeps them in its database. */
  const conversations = new Map<string, StoredConversation>();
  let openDocId: string | null = null;
  const sameScope = (a: Scope, b: Scope): boolean => JSON.stringify(a) === JSON.stringify(b);
  function record(id: string, scope: Scope, turn: Omit<ConversationTurn, 'id'>): void {
    const now = new Date().toISOString();
    const c = conversations.get(id) ?? { id, scope, title: turn.question, turnCount: 0, createdAt: now, updatedAt: now, turns: [] };
    c.turns.push({ ...turn, id: c.turns.length + 1 });
    Object.assign(c, { turnCount: c.turns.length, updatedAt: now });
    conversations.set(id, c);
  }

  /** A download that moves 1/steps of the model's size per step, honouring cancelJob. */
  function startDownload(model: ModelInfo): JobInfo {
    const job: JobInfo = { id: `job${++jobCount}`, kind: 'download', state: 'running', modelId: model.id, done: 0, total: model.sizeBytes, unit: 'bytes', message: `Downloading ${model.id}`, startedAt: new Date().toISOString() };
    jobs.set(job.id, job);
    void (async () => {
      for (let i = 1; i <= steps && !cancelled.has(job.id); i++) {
        await new Promise((r) => setTimeout(r, stepMs));
        if (cancelled.has(job.id)) break;
        Object.assign(job, { done: Math.round((model.sizeBytes * i) / steps), message: `Downloading ${model.id} (model.safetensors)` });
        emit({ type: 'job', job: { ...job } });
      }
      const stopped = cancelled.has(job.id);
      Object.assign(job, stopped ? { state: 'cancelled', error: new WukongError('CANCELLED').toJSON(), message: 'The job was cancelled.' } : { state: 'done', message: 'Done' }, { endedAt: new Date().toISOString() });
      if (!stopped) model.installed = true;
      emit({ type: 'job', job: { ...job } });
    })();
    return { ...job };
  }

  const service: FakeService = {
    calls: [],
    opens: [],
    installs: [],
    askCalls: [],
    async reopenDocument(docId: string, openOptions: OpenOptions = {}): Promise<OpenResult> {
      const doc = docs.get(docId);
      if (!doc) throw new WukongError('NOT_FOUND');
      return service.openDocument({ bytes: doc.bytes, fileName: doc.summary.fileName }, openOptions);
    },
    async openDocument(source: DocumentSource, openOptions: OpenOptions = {}): Promise<OpenResult> {
      service.calls.push('openDocument');
      service.opens.push(openOptions);
      const bytes = 'path' in source ? new Uint8Array(await readFile(source.path)) : source.bytes;
      const fileName = 'path' in source ? source.fileName ?? basename(source.path) : source.fileName;
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
      const parsed = options.documentModel?.(d.summary.fileName);
      return { id: docId, fileName: d.summary.fileName, bytes: d.bytes.byteLength, pageCount: 0, meta: {}, pages: [], units: parsed?.units ?? [], sections: parsed?.sections ?? [], parser: { name: 'fake', version: '0', ms: 0 } };
    },
    async getDocumentFile(docId: string) {
      const d = docs.get(docId);
      if (!d) throw new WukongError('NOT_FOUND');
      return d.bytes;
    },
    async getDocumentFilePath(docId: string) {
      const d = docs.get(docId);
      if (!d) throw new WukongError('NOT_FOUND');
      // The real service keeps a copy on disk; this one writes its bytes out when a path is first asked for.
      filesDir ??= await mkdtemp(join(tmpdir(), 'wukong-fake-files-'));
      const path = join(filesDir, `${docId}.pdf`);
      await writeFile(path, d.bytes);
      return path;
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
      // Only downloads stop here; parse jobs end by their `outcome`, as the tests choose.
      if (job.kind === 'download') cancelled.add(jobId);
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
      const named = (fileName: string | undefined) => [...docs.values()].find((d) => d.summary.fileName === fileName)?.summary.id;
      return (options.evidence ?? []).map(({ fileName, ...e }) => ({ ...e, docId: ('library' in scope && named(fileName)) || docId }));
    },
    async *ask(scope: Scope, question: string, opts: AskOptions = {}): AsyncIterable<AskEvent> {
      const id = opts.conversationId;
      if (id === undefined) {
        yield* service.answer(scope, question, opts);
        return;
      }
      const turn: Omit<ConversationTurn, 'id'> = { question, text: '', state: 'cancelled', evidence: [], askedAt: new Date().toISOString() };
      try {
        for await (const e of service.answer(scope, question, opts)) {
          if (e.type === 'evidence') turn.evidence = e.evidence;
          else if (e.type === 'done') Object.assign(turn, { state: 'done', answer: e.answer, text: e.answer.text });
          else if (e.type === 'error') Object.assign(turn, { state: e.error.code === 'CANCELLED' ? 'cancelled' : 'failed', error: e.error });
          yield e;
        }
      } finally {
        record(id, scope, turn);
      }
    },
    async listConversations(scope: Scope) {
      return [...conversations.values()].filter((c) => sameScope(c.scope, scope)).reverse().map(({ turns: _turns, ...info }) => info);
    },
    async getConversation(id: string) {
      const c = conversations.get(id);
      if (!c) throw new WukongError('NOT_FOUND');
      return structuredClone(c);
    },
    async deleteConversation(id: string) {
      if (!conversations.delete(id)) throw new WukongError('NOT_FOUND');
    },
    async getOpenDocument() {
      return openDocId !== null && docs.has(openDocId) ? openDocId : null;
    },
    async setOpenDocument(docId: string | null) {
      if (docId !== null && !docs.has(docId)) throw new WukongError('NOT_FOUND');
      openDocId = docId;
    },
    async *answer(scope: Scope, question: string, opts: AskOptions = {}): AsyncIterable<AskEvent> {
      service.calls.push(`ask:${'library' in scope ? '[library] ' : ''}${question}`);
      service.lastAskSignal = opts.signal;
      const { signal, ...recorded } = opts;
      service.askCalls.push({ question, options: recorded });
      const evidence = await service.retrieve(scope, question);
      yield { type: 'evidence', evidence };
      if (/generated/i.test(question) && evidence.length > 0) {
        // As the real service: the model loads (progress), then its tokens stream, then the checked answer.
        const total = 4;
        for (let done = 1; done <= total; done++) {
          await new Promise((r) => setTimeout(r, options.stepMs ?? 150));
          yield { type: 'progress', message: `Preparing the language model (${done} of ${total})`, done, total };
        }
        const answer = fakeGeneratedAnswer(evidence, opts);
        for (const word of answer.text.split(/(?<= )/)) {
          if (signal?.aborted) {
            yield { type: 'error', error: new WukongError('CANCELLED').toJSON() };
            return;
          }
          await new Promise((r) => setTimeout(r, options.tokenMs ?? 5));
          yield { type: 'token', text: word };
        }
        yield { type: 'done', answer };
        return;
      }
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
    // The web app never generates raw text; a stream reports that as its error event, as the contract says.
    async *generate(): AsyncIterable<GenerateEvent> {
      yield { type: 'error', error: new WukongError('NOT_IMPLEMENTED').toJSON() };
    },
    async profileModel() {
      throw new WukongError('NOT_IMPLEMENTED');
    },
    async listModels() {
      return models.map((m) => ({ ...m }));
    },
    async installModel(folder: string, id?: string, installOptions?: InstallOptions) {
      service.installs.push([folder, id, installOptions]);
      throw new WukongError('NOT_FOUND', `Folder not found: ${folder}`);
    },
    async downloadModel(id: string) {
      const model = models.find((m) => m.id === id);
      if (!model) throw new WukongError('NOT_FOUND', `No model with id ${id}.`);
      return startDownload(model);
    },
    async selectModel(role: ModelRole, id: string | null) {
      for (const m of models) if (m.role === role) m.selected = m.id === id;
    },
    async verifyModel() {
      throw new WukongError('NOT_IMPLEMENTED');
    },
    async close() {
      listeners.clear();
    },
  };
  return service;
}
