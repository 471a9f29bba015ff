import type {
  AskEvent,
  AskOptions,
  ChatTurn,
  ConversationInfo,
  DocumentSource,
  DocumentSummary,
  Evidence,
  GenerateEvent,
  GenerateOptions,
  JobInfo,
  InstallOptions,
  ModelInfo,
  ModelRole,
  OpenOptions,
  OpenResult,
  ProfileOptions,
  ProfileReport,
  RetrieveOptions,
  Scope,
  ServiceEvent,
  StoredConversation,
  VerifyReport,
  WukongService,
} from '../api.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WukongError, toWukongError } from '../errors.js';
import type { DocumentModel } from '../model/document.js';
import { installId, ModelRegistry, type PrepareHook } from '../models/registry.js';
import { addOcrUnits } from '../ocr/index.js';
import type { ParseOptions } from '../pdf/parse.js';
import { PARSER_VERSION } from '../pdf/parser-version.js';
import { parsePdfInWorker, workerFile } from '../pdf/worker-client.js';
import { extractiveAnswer, indexDocument, INDEX_VERSION, retrieveEvidence, type DocumentIndex, type RetrievalOptions } from '../retrieval/index.js';
import { isWholePaperQuestion, wholePaperEvidence } from '../answer/whole-paper.js';
import { answerWithModel, type Conversation } from './answer.js';
import { Engines } from './engines.js';
import { FigureCrops } from './figures.js';
import { contextLength, Generators, noGenerator } from './generators.js';
import { buildGeneratorGraph } from './prepare-model.js';
import { profileAndSave } from './profile.js';
import { streamProgress } from '../util/progress-stream.js';
import type { GeneratorHost } from '../llm/generator-host.js';
import { Emitter } from './events.js';
import { JobRunner, type JobContext } from './jobs.js';
import { INTERRUPTED, OtherProcessJobs } from './other-jobs.js';
import { Library } from './library.js';
import { LibrarySearch } from './library-search.js';
import { DEFAULT_MAX_BYTES, identifySource, type IdentifiedSource } from './source.js';
import { openStore, scopeKey, type Store } from '../store/index.js';
import type { NewTurn } from '../store/conversations.js';

/** At most this many earlier turns of a stored conversation go with a follow-up (the transports take 100 messages). */
const MAX_HISTORY_TURNS = 50;

export interface ServiceOptions {
  /** Data folder: library, models, settings. */
  home: string;
  /** Largest file accepted, in bytes (default 1 GiB). */
  maxBytes?: number;
  /** Folder holding models/manifest.json (default: the one shipped with the app). */
  manifestPath?: string;
  /** Parse in a worker thread so the service keeps answering (default true when the compiled worker exists). */
  parseInWorker?: boolean;
  /** Builds a generator's runnable graph after its files are in place and before it is installed. */
  prepareModel?: PrepareHook;
  /** Hub address and access token for downloads (default: from the environment, see ModelRegistry). */
  hub?: { mirror?: string; token?: string };
  /** Up to this many ready documents a library question scores them all exactly (default 8); above it the HNSW library index picks them. */
  exactLibraryDocs?: number;
  /**
   * Report other processes' jobs on this library as they progress (job and documents events), for front
   * ends that show the library (the app, `wukong serve`); a one-shot CLI command leaves it off.
   */
  watchOtherProcesses?: boolean;
}

/** Parsing in this thread loads pdf.js here (~45 MB), so only a service that parses here pays for it. */
async function parsePdf(data: Uint8Array, name: string, o: ParseOptions): Promise<DocumentModel> {
  return (await import('../pdf/parse.js')).parsePdf(data, name, o);
}

/** The worker needs the compiled script; without it (running from sources) parsing stays in-process. */
function parserFor(inWorker: boolean | undefined): (data: Uint8Array, name: string, o: ParseOptions) => Promise<DocumentModel> {
  if (inWorker === false) return parsePdf;
  try {
    workerFile();
    return parsePdfInWorker;
  } catch {
    return parsePdf;
  }
}

/** A job's work and its epilogue, for JobRunner.start or startClaimed. */
type JobSpec = [(ctx: JobContext) => Promise<void>, (job: JobInfo) => Promise<void>];

/** Not ready under this parser version: opening it has something to do. */
function needsPreparing(d: DocumentSummary): boolean {
  return !(d.status === 'ready' && d.parser === PARSER_VERSION);
}

/** The in-process implementation of the service: every front end reaches this through a transport. */
export class LocalService implements WukongService {
  private readonly store: Store;
  private readonly library: Library;
  private readonly models: ModelRegistry;
  private readonly engines: Engines;
  private readonly librarySearch: LibrarySearch;
  private readonly events = new Emitter<ServiceEvent>();
  private readonly jobs: JobRunner;
  private readonly otherJobs: OtherProcessJobs;
  private readonly maxBytes: number;
  private readonly parse: ReturnType<typeof parserFor>;
  /** Parsed documents and their indexes stay in memory once used: retrieval must not re-read JSON per question. */
  private readonly loaded = new Map<string, { doc: DocumentModel; index: DocumentIndex }>();
  private readonly generators: Generators;
  /** Figure and table crops for vision-language models, per (document, unit). */
  private readonly figures: FigureCrops;
  /** The latest generated conversation of each conversation id (or scope): its evidence stays the prompt's prefix for follow-ups. */
  private readonly conversations = new Map<string, Conversation>();

  constructor(options: ServiceOptions) {
    this.store = openStore(options.home);
    this.library = new Library(options.home, this.store);
    this.models = new ModelRegistry(options.home, { manifestPath: options.manifestPath, prepare: options.prepareModel ?? buildGeneratorGraph, ...options.hub });
    this.engines = new Engines(this.models);
    this.generators = new Generators(this.models, options.home);
    this.figures = new FigureCrops((docId) => this.library.readFile(docId));
    this.librarySearch = new LibrarySearch(join(options.home, 'library-index'), this.store.members, options.exactLibraryDocs);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.parse = parserFor(options.parseInWorker);
    this.jobs = new JobRunner((job) => this.events.emit({ type: 'job', job }), this.store.jobs);
    this.otherJobs = new OtherProcessJobs(this.store.jobs, this.store.documents, () => this.jobs.ids());
    if (options.watchOtherProcesses) {
      this.otherJobs.watch((job) => this.events.emit({ type: 'job', job }), () => void this.emitDocuments().catch(() => undefined));
    }
    // A process that ended between moving a removed document's folder aside and deleting it left it there.
    void this.library.discard().catch(() => undefined);
  }

  // ------------------------------------------------------------ documents

  async openDocument(source: DocumentSource, options: OpenOptions = {}): Promise<OpenResult> {
    return this.openIdentified(await identifySource(source, this.maxBytes), options);
  }

  private async openIdentified(found: IdentifiedSource, options: OpenOptions): Promise<OpenResult> {
    const { id, fileName } = found;
    const existing = await this.library.getSummary(id);
    // Another process on the same library may be preparing it right now: one parse is enough. (Read
    // without the write lock; the claim below decides again under it.)
    if (existing && (!needsPreparing(existing) || (existing.jobId !== undefined && this.jobs.isLive(existing.jobId)))) {
      return { document: existing };
    }
    const resumed = existing ? await this.resumeIndexing(existing) : undefined;
    if (resumed) return resumed;
    return this.parseAnew(id, fileName, found.size, existing, options.password, found, needsPreparing);
  }

  /**
   * Starts `kind` on the document only if this process wins it (DocumentClaims.claim: no live job owns
   * it and `stillNeeded` holds under the write lock); otherwise the document that stood in the way.
   */
  private startOn(kind: 'parse' | 'index', summary: DocumentSummary, stillNeeded: (current: DocumentSummary) => boolean, [work, onEnd]: JobSpec): { job: JobInfo } | { standing: DocumentSummary } {
    let standing: DocumentSummary | undefined;
    const job = this.jobs.startClaimed(kind, { docId: summary.id }, (claimed) => {
      standing = this.store.claims.claim(summary, claimed, stillNeeded);
      if (!standing) summary.jobId = claimed.id;
      return !standing;
    }, work, onEnd);
    return job ? { job } : { standing: standing! };
  }

  /** `found` is the user's file to copy into the library; without it the stored copy is parsed again. */
  private async parseAnew(id: string, fileName: string, size: number, existing: DocumentSummary | null, password: string | undefined, found: IdentifiedSource | undefined, stillNeeded: (current: DocumentSummary) => boolean): Promise<OpenResult> {
    const summary: DocumentSummary = {
      id,
      fileName,
      title: existing?.title ?? fileName.replace(/\.pdf$/i, ''),
      pageCount: existing?.pageCount ?? 0,
      bytes: size,
      addedAt: existing?.addedAt ?? new Date().toISOString(),
      status: 'parsing',
    };
    // The file goes into the library only once this process owns the document: a removal elsewhere
    // cannot take it from under the parse, and a process that lost the claim writes nothing.
    let copy: Promise<void> | undefined;
    const stored = (): Promise<void> => (copy ??= this.storeCopy(id, found));
    const started = this.startOn('parse', summary, stillNeeded, this.parseJob(summary, password, stored, existing === null));
    if ('standing' in started) return { document: started.standing };
    await this.emitDocuments();
    // The parse waits for the same copy. A library that cannot be written fails the open itself, once the
    // failed job has put the library back as it was.
    await stored().catch(async (err: unknown) => {
      await this.jobs.wait(started.job.id);
      throw err;
    });
    return { document: summary, job: started.job };
  }

  private async storeCopy(id: string, found: IdentifiedSource | undefined): Promise<void> {
    try {
      if (found && 'path' in found) await this.library.saveFileFrom(id, found.path);
      else if (found) await this.library.saveFile(id, found.bytes);
    } catch (err) {
      throw toWukongError(err);
    }
  }

  async reopenDocument(docId: string, options: OpenOptions = {}): Promise<OpenResult> {
    const summary = await this.library.getSummary(docId);
    if (!summary) throw new WukongError('NOT_FOUND', `No document with id ${docId}.`);
    const found = await identifySource({ path: this.library.filePath(docId), fileName: summary.fileName }, this.maxBytes).catch((err: unknown) => {
      throw toWukongError(err).code === 'NOT_FOUND' ? new WukongError('NOT_FOUND', `No document with id ${docId}.`) : err;
    });
    return this.openIdentified(found, options);
  }

  /**
   * A document whose parse finished under this parser version but whose indexing did not (cancelled,
   * or the process ended mid-way) is indexed from its saved parse instead of being parsed again.
   */
  private async resumeIndexing(existing: DocumentSummary): Promise<OpenResult | undefined> {
    if (existing.parser !== PARSER_VERSION || (existing.status !== 'indexing' && existing.status !== 'cancelled')) return undefined;
    const model = await this.library.readModel(existing.id);
    if (!model || model.parser.version !== PARSER_VERSION) return undefined;
    const summary: DocumentSummary = { ...existing, status: 'indexing', error: undefined };
    const started = this.startOn('index', summary, needsPreparing, this.indexJob(summary, model));
    if ('standing' in started) return { document: started.standing };
    await this.emitDocuments();
    return { document: summary, job: started.job };
  }

  private isRunning(jobId: string): boolean {
    return this.jobs.get(jobId)?.state === 'running';
  }

  /**
   * Parses the library's copy, read once and given up to the parser (moved to its worker, then to pdf.js), so a
   * large file is in memory once during the parse and not at all after it; OCR reads it again only if it must.
   */
  private parseJob(summary: DocumentSummary, password: string | undefined, stored: () => Promise<void>, added: boolean): JobSpec {
    let model: DocumentModel | undefined;
    let inPlace = false;
    return [
      async ({ signal, progress }) => {
        await stored();
        inPlace = true;
        model = await this.parse(await this.library.readFile(summary.id), summary.fileName, {
          password,
          signal,
          maxBytes: this.maxBytes,
          consume: true,
          onProgress: (p) => progress(p.page, p.pageCount, `Parsing page ${p.page} of ${p.pageCount}`),
        });
        model = await this.recognise(model, () => this.library.readFile(summary.id), password, signal, progress);
        await this.library.saveModel(model);
      },
      async (job) => {
        if (job.state === 'done' && model) {
          summary.title = model.title || model.meta.title?.trim() || summary.title;
          summary.parser = model.parser.version;
          summary.pageCount = model.pageCount;
          // Pages that OCR read hold evidence now; only those it skipped (over the cap) still have none.
          const noText = model.pages.filter((p) => !p.hasText && !p.ocr).map((p) => p.number);
          summary.pagesWithoutText = noText.length ? noText : undefined;
          // A scan that OCR could not read stays NO_TEXT: its parser units are image regions or a stamp, not a document.
          if (model.pages.every((p) => !p.hasText) && !model.units.some((u) => u.ocr)) {
            this.fail(summary, new WukongError('NO_TEXT'));
          } else {
            summary.status = 'indexing';
            summary.jobId = this.jobs.start('index', { docId: summary.id }, ...this.indexJob(summary, model)).id;
          }
        } else if (added && !inPlace) {
          // Its file never reached the library: the library stays as it was, with no entry that has no file.
          this.store.documents.remove(summary.id);
          await this.emitDocuments();
          return;
        } else {
          this.endWithout(summary, job);
        }
        await this.library.saveSummary(summary);
        await this.emitDocuments();
      },
    ];
  }

  /** OCR for the scanned pages; if it breaks (not cancelled), the document keeps the text it has. */
  private async recognise(model: DocumentModel, readFile: () => Promise<Uint8Array>, password: string | undefined, signal: AbortSignal, progress: JobContext['progress']): Promise<DocumentModel> {
    try {
      return await addOcrUnits(model, readFile, {
        password,
        signal,
        onProgress: (done, total, page) => progress(done, total, `Recognising text on page ${page} of ${model.pageCount} (scanned)`),
      });
    } catch (err) {
      if (signal.aborted || (err instanceof WukongError && err.code === 'CANCELLED')) throw err;
      console.error('wukong: text recognition failed; scanned pages stay without text:', err);
      return model;
    }
  }

  private indexJob(summary: DocumentSummary, model: DocumentModel): JobSpec {
    let index: DocumentIndex | undefined;
    return [
      async ({ signal, progress }) => {
        index = await indexDocument(model, {
          embedder: await this.engines.embedder(),
          signal,
          onProgress: (done, total) => progress(done, total, `Indexing passage ${done} of ${total}`),
        });
        await this.library.saveIndex(summary.id, index);
      },
      async (job) => {
        if (job.state === 'done' && index) {
          await this.librarySearch.add(summary.id, index, await this.engines.embedder()).catch((err) => {
            console.error('wukong: the library index could not be updated:', err);
          });
          summary.status = 'ready';
          summary.jobId = undefined;
          summary.error = undefined;
          this.loaded.set(summary.id, { doc: model, index });
        } else {
          this.endWithout(summary, job);
        }
        await this.library.saveSummary(summary);
        await this.emitDocuments();
      },
    ];
  }

  private endWithout(summary: DocumentSummary, job: JobInfo): void {
    summary.status = job.state === 'cancelled' ? 'cancelled' : 'failed';
    summary.error = job.error;
    summary.jobId = undefined;
  }

  private fail(summary: DocumentSummary, error: WukongError): void {
    summary.status = 'failed';
    summary.error = error.toJSON();
    summary.jobId = undefined;
  }

  private async emitDocuments(): Promise<void> {
    this.events.emit({ type: 'documents', documents: await this.listDocuments() });
  }

  /**
   * A document left half-done by a process that ended (a crash, Ctrl+C) reads as interrupted, not as
   * forever busy; one that another live process is preparing keeps its state.
   */
  async listDocuments(): Promise<DocumentSummary[]> {
    return (await this.library.list()).map((d) =>
      (d.status === 'parsing' || d.status === 'indexing') && !(d.jobId && this.jobs.isLive(d.jobId))
        ? { ...d, status: 'cancelled', jobId: undefined, error: INTERRUPTED }
        : d,
    );
  }

  async getDocument(docId: string): Promise<DocumentModel> {
    const model = this.loaded.get(docId)?.doc ?? (await this.library.readModel(docId));
    if (model) return model;
    const summary = await this.library.getSummary(docId);
    if (summary?.status === 'ready') throw await this.parseDamaged(summary);
    throw new WukongError('NOT_FOUND', `Document ${docId} has not been parsed yet.`);
  }

  /**
   * A ready document whose saved parse is missing or damaged is parsed again from its stored PDF;
   * returns the error to give the caller meanwhile.
   */
  private async parseDamaged(summary: DocumentSummary): Promise<WukongError> {
    const stored = await stat(this.library.filePath(summary.id)).catch(() => null);
    if (!stored?.isFile()) {
      this.fail(summary, new WukongError('NOT_FOUND', `The stored copy of ${summary.fileName} is gone; open the PDF again.`));
      await this.library.saveSummary(summary);
      await this.emitDocuments();
      return new WukongError('NOT_FOUND', summary.error!.message);
    }
    // Ready, so only a live job elsewhere stands in the way (then that process is reading it again already).
    await this.parseAnew(summary.id, summary.fileName, stored.size, summary, undefined, undefined, () => true);
    return new WukongError('BAD_REQUEST', `The saved reading of ${summary.fileName} was damaged; it is being read again from its stored copy. Ask again once it is ready.`);
  }

  getDocumentFile(docId: string): Promise<Uint8Array> {
    return this.library.readFile(docId);
  }

  getDocumentFilePath(docId: string): Promise<string> {
    return this.library.existingFilePath(docId);
  }

  async removeDocument(docId: string): Promise<void> {
    const summary = await this.library.getSummary(docId);
    if (!summary) throw new WukongError('NOT_FOUND', `No document with id ${docId}.`);
    if (summary.jobId && this.isRunning(summary.jobId)) {
      this.jobs.cancel(summary.jobId);
      await this.jobs.wait(summary.jobId);
    }
    // Checked and done under the write lock: a process that claims the document a moment later finds it
    // gone and starts afresh with its own copy; one that claimed it a moment earlier keeps its files.
    const removal = this.store.claims.remove(docId, () => this.library.moveAside(docId));
    if (removal.outcome === 'busy') {
      throw new WukongError('BUSY', `${summary.fileName} is being prepared by another WuKong Reader process (pid ${removal.owner}); cancel it there or wait until it is ready, then remove it.`);
    }
    if (removal.outcome === 'missing') throw new WukongError('NOT_FOUND', `No document with id ${docId}.`);
    this.loaded.delete(docId);
    await this.librarySearch.remove(docId, await this.engines.embedder());
    await this.library.discard();
    await this.emitDocuments();
  }

  // ------------------------------------------------------------ jobs

  /** This process's jobs, then other processes' on the same library (later entries are the newer word on a document). */
  async listJobs(): Promise<JobInfo[]> {
    return [...this.jobs.list(), ...this.otherJobs.list()];
  }

  async cancelJob(jobId: string): Promise<void> {
    if (!this.jobs.get(jobId)) {
      const owner = this.store.jobs.liveOwner(jobId);
      if (owner !== undefined) throw new WukongError('BUSY', `That job runs in another WuKong Reader process (pid ${owner}); cancel it there.`);
    }
    this.jobs.cancel(jobId);
  }

  /** Follows a document's parse job into the index job that it chains to. */
  async waitForJob(jobId: string): Promise<JobInfo> {
    let job = await this.jobs.wait(jobId);
    while (job.state === 'done' && job.kind === 'parse' && job.docId) {
      const next = (await this.library.getSummary(job.docId))?.jobId;
      if (!next || next === job.id) break;
      job = await this.jobs.wait(next);
    }
    return job;
  }

  onEvent(listener: (event: ServiceEvent) => void): () => void {
    return this.events.on(listener);
  }

  // ------------------------------------------------------------ questions

  private async resolveScope(scope: Scope, question: string): Promise<{ doc: DocumentModel; index: DocumentIndex }[]> {
    let ids: string[];
    if ('library' in scope) {
      const ready = (await this.library.list()).filter((d) => d.status === 'ready').map((d) => d.id);
      ids = await this.librarySearch.narrow(ready, question, await this.engines.embedder(), (id) => this.loadReady(id));
    } else if (Array.isArray(scope.docIds) && scope.docIds.every((d) => typeof d === 'string')) {
      ids = scope.docIds;
    } else {
      throw new WukongError('BAD_REQUEST', 'The scope must name documents or the whole library.');
    }
    const out = [];
    for (const id of ids) out.push(await this.loadReady(id));
    return out;
  }

  private async loadReady(id: string): Promise<{ doc: DocumentModel; index: DocumentIndex }> {
    const cached = this.loaded.get(id);
    if (cached) return cached;
    const summary = await this.library.getSummary(id);
    if (!summary) throw new WukongError('NOT_FOUND', `No document with id ${id}.`);
    if (summary.status !== 'ready') {
      throw summary.error
        ? new WukongError(summary.error.code, summary.error.message)
        : new WukongError('BAD_REQUEST', `${summary.fileName} is still being prepared (${summary.status}).`);
    }
    const doc = await this.library.readModel(id);
    if (!doc) throw await this.parseDamaged(summary);
    // A missing or damaged index reads as null and is made again here.
    let index = await this.library.readIndex(id);
    const embedder = await this.engines.embedder();
    // An index made by an older version or another embedder cannot be compared with today's question vectors.
    if (!index || index.version !== INDEX_VERSION || index.embedderId !== (embedder?.id ?? null)) {
      index = await indexDocument(doc, { embedder });
      await this.library.saveIndex(id, index);
    }
    const entry = { doc, index };
    this.loaded.set(id, entry);
    return entry;
  }

  /** A ready document with its index: for evaluation tools that score retrieval directly. */
  prepared(docId: string): Promise<{ doc: DocumentModel; index: DocumentIndex }> {
    return this.loadReady(docId);
  }

  /** The models retrieval runs with right now. */
  async retrievalContext(): Promise<Pick<RetrievalOptions, 'embedder' | 'tokenCounter'>> {
    return { embedder: await this.engines.embedder(), tokenCounter: await this.engines.tokenCounter() };
  }

  async retrieve(scope: Scope, question: string, options: RetrieveOptions = {}): Promise<Evidence[]> {
    if (typeof question !== 'string' || question.trim() === '') throw new WukongError('BAD_REQUEST', 'The question is empty.');
    const docs = await this.resolveScope(scope, question);
    return retrieveEvidence(docs, question, { ...options, ...(await this.retrievalContext()) });
  }

  /**
   * With a conversation id, the question and how it ended (answer, evidence, citations, claims, or
   * the error) are recorded in that conversation, also when the caller stops listening half-way.
   */
  async *ask(scope: Scope, question: string, options: AskOptions = {}): AsyncIterable<AskEvent> {
    const id = options.conversationId;
    if (id === undefined) {
      yield* this.answer(scope, question, options);
      return;
    }
    let asked: AskOptions;
    try {
      asked = this.withStoredHistory(scope, id, options);
    } catch (err) {
      yield { type: 'error', error: toWukongError(err).toJSON() };
      return;
    }
    const turn: NewTurn = { question, text: '', state: 'cancelled', evidence: [], askedAt: new Date().toISOString() };
    try {
      for await (const event of this.answer(scope, question, asked)) {
        if (event.type === 'evidence') turn.evidence = event.evidence;
        else if (event.type === 'token') turn.text += event.text;
        else if (event.type === 'done') Object.assign(turn, { state: 'done', answer: event.answer, text: event.answer.text });
        else if (event.type === 'error') Object.assign(turn, { state: event.error.code === 'CANCELLED' ? 'cancelled' : 'failed', error: event.error });
        yield event;
      }
    } finally {
      this.recordTurn(id, scope, turn);
    }
  }

  /** A follow-up in a stored conversation builds on its finished turns unless the caller gives its own history. */
  private withStoredHistory(scope: Scope, conversationId: string, options: AskOptions): AskOptions {
    if (typeof conversationId !== 'string' || conversationId === '') throw new WukongError('BAD_REQUEST', 'The conversation id is empty.');
    const owner = this.store.conversations.scopeOf(conversationId);
    if (owner !== null && owner !== scopeKey(scope)) throw new WukongError('BAD_REQUEST', 'This conversation is about other documents.');
    if (options.history !== undefined || owner === null) return options;
    const turns = this.store.conversations.get(conversationId)?.turns ?? [];
    const history = turns
      .filter((t) => t.state === 'done' && t.answer)
      .slice(-MAX_HISTORY_TURNS)
      .flatMap((t): ChatTurn[] => [{ role: 'user', text: t.question }, { role: 'assistant', text: t.text }]);
    return { ...options, history };
  }

  private recordTurn(conversationId: string, scope: Scope, turn: NewTurn): void {
    if (typeof turn.question !== 'string' || turn.question.trim() === '') return;
    try {
      this.store.conversations.addTurn(conversationId, scope, turn);
    } catch (err) {
      console.error('wukong: the answer could not be saved in the conversation:', err);
    }
  }

  private async *answer(scope: Scope, question: string, options: AskOptions): AsyncIterable<AskEvent> {
    const started = performance.now();
    try {
      if (typeof question !== 'string' || question.trim() === '') throw new WukongError('BAD_REQUEST', 'The question is empty.');
      const target = options.extractive ? null : await this.generators.resolve(options.model);
      if (!target) {
        const evidence = await this.retrieve(scope, question, options);
        yield { type: 'evidence', evidence };
        if (options.signal?.aborted) throw new WukongError('CANCELLED');
        const answer = extractiveAnswer(question, evidence);
        answer.ms = Math.round(performance.now() - started);
        yield { type: 'token', text: answer.text };
        yield { type: 'done', answer };
        return;
      }
      const whole = options.wholePaper ?? isWholePaperQuestion(question);
      const single = 'docIds' in scope && Array.isArray(scope.docIds) && scope.docIds.length === 1 ? scope.docIds[0] : undefined;
      if (options.wholePaper && !single) throw new WukongError('BAD_REQUEST', 'A whole-paper question needs exactly one document.');
      yield* answerWithModel({
        question,
        options,
        started,
        scopeKey: options.conversationId ?? JSON.stringify(scope),
        conversations: this.conversations,
        retrieve: async () => {
          if (!whole || !single) return { evidence: await this.retrieve(scope, question, options) };
          const { doc } = await this.loadReady(single);
          // The whole text, up to the model's context less the instructions and the answer.
          const budget = contextLength(target) - 1024;
          const { evidence, truncated } = wholePaperEvidence(doc, single, await this.engines.tokenCounter(), budget);
          return { evidence, wholePaper: { passages: evidence.length, truncated } };
        },
        host: (onBuild) => this.generators.host(target, { precision: options.precision }, { onBuild, signal: options.signal }),
        chunk: await this.models.prefillChunk(),
        modelId: target.id,
        crops: target.kind === 'vision' ? (evidence) => this.figures.crops(evidence) : undefined,
      });
    } catch (err) {
      yield { type: 'error', error: toWukongError(err).toJSON() };
    }
  }

  // ------------------------------------------------------------ conversations

  async listConversations(scope: Scope): Promise<ConversationInfo[]> {
    checkScope(scope);
    return this.store.conversations.list(scope);
  }

  async getConversation(conversationId: string): Promise<StoredConversation> {
    const found = this.store.conversations.get(conversationId);
    if (!found) throw new WukongError('NOT_FOUND', `No conversation with id ${conversationId}.`);
    return found;
  }

  async deleteConversation(conversationId: string): Promise<void> {
    if (!this.store.conversations.delete(conversationId)) throw new WukongError('NOT_FOUND', `No conversation with id ${conversationId}.`);
    this.conversations.delete(conversationId);
  }

  async getOpenDocument(): Promise<string | null> {
    const id = this.store.settings.get<string>('openDocument');
    return id && this.store.documents.get(id) ? id : null;
  }

  async setOpenDocument(docId: string | null): Promise<void> {
    if (docId !== null && !this.store.documents.get(docId)) throw new WukongError('NOT_FOUND', `No document with id ${docId}.`);
    this.store.settings.set('openDocument', docId);
  }

  async *generate(options: GenerateOptions): AsyncIterable<GenerateEvent> {
    try {
      const { model, prompt, ids, precision, duo, signal, topLogits, ...sampling } = options;
      if (prompt === undefined && ids === undefined) throw new WukongError('BAD_REQUEST', 'Give a prompt or token ids.');
      const target = await this.generators.resolve(model);
      if (!target) throw noGenerator();
      const host = yield* streamProgress<GenerateEvent, GeneratorHost>((report) =>
        this.generators.host(target, { precision, duo }, {
          signal,
          onBuild: (done, total) => report({ type: 'progress', message: `Building the model graph: ${done} of ${total}`, done, total }),
        }),
      );
      const chunk = sampling.chunk ?? (await this.models.prefillChunk());
      const request = { ...sampling, chunk, ids, messages: prompt !== undefined ? [{ role: 'user' as const, content: prompt }] : undefined, topK5: topLogits };
      for await (const e of host.generate(request, signal)) {
        if (e.type === 'token') yield { type: 'token', text: e.text };
        else yield { type: 'done', result: { ...e.result, model: target.id, streamingShare: host.info.streamingShare } };
      }
    } catch (err) {
      yield { type: 'error', error: toWukongError(err).toJSON() };
    }
  }

  // ------------------------------------------------------------ models

  listModels(): Promise<ModelInfo[]> {
    return this.models.list();
  }

  /** Runs as a job too, so front ends can show a generator's graph build as it goes. */
  async installModel(folder: string, id?: string, options: InstallOptions = {}): Promise<ModelInfo> {
    let installed: ModelInfo | undefined;
    const job = this.jobs.start('install', { modelId: installId(folder, id) }, async ({ signal, progress }) => {
      installed = await this.models.installFromFolder(folder, id, options, { signal, onProgress: progress });
    });
    const end = await this.jobs.wait(job.id);
    if (!installed) throw new WukongError(end.error?.code ?? 'INTERNAL', end.error?.message, end.error?.detail);
    return installed;
  }

  async downloadModel(id: string): Promise<JobInfo> {
    // Two downloads of one model would write the same partial files.
    const running = this.jobs.list().find((j) => j.kind === 'download' && j.modelId === id && j.state === 'running');
    if (running) return running;
    const plan = await this.models.planDownload(id);
    return this.jobs.start('download', { modelId: id }, ({ signal, progress }) => this.models.download(plan, { signal, onProgress: progress }));
  }

  selectModel(role: ModelRole, id: string | null): Promise<void> {
    return this.models.select(role, id);
  }

  verifyModel(id: string): Promise<VerifyReport> {
    return this.models.verify(id);
  }

  async profileModel(id: string, options: ProfileOptions): Promise<ProfileReport> {
    const target = await this.generators.resolve(id);
    if (!target) throw new WukongError('MODEL_MISSING', `The model ${id} is not installed.`);
    if (target.kind === 'vision') throw new WukongError('NOT_IMPLEMENTED', `Profiling attention heads is for language models; ${id} is a vision-language model.`);
    // The running model may hold the pattern being replaced.
    await this.generators.close();
    return profileAndSave(target.folder, target.cacheDir, options);
  }

  async close(): Promise<void> {
    this.otherJobs.stop();
    await this.jobs.cancelAll();
    await this.engines.close();
    await this.generators.close();
    this.store.close();
  }
}

function checkScope(scope: Scope): void {
  const ok = 'library' in scope ? scope.library === true : Array.isArray(scope.docIds) && scope.docIds.length > 0 && scope.docIds.every((d) => typeof d === 'string');
  if (!ok) throw new WukongError('BAD_REQUEST', 'The scope must name documents or the whole library.');
}
