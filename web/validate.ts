/**
 * Checks every argument that crosses a process or network boundary (HTTP in web mode, IPC in
 * Electron) before it reaches the service: the service trusts its callers, the transports do not.
 * Unknown keys are refused rather than ignored so a typo never silently changes behaviour.
 */
import type { AskOptions, DocumentSource, InstallOptions, Precision, RequestMethod, RetrieveOptions, Scope } from '../core/api.js';
import { REQUEST_METHODS } from '../core/api.js';
import { WukongError } from '../core/errors.js';

const ID = /^[A-Za-z0-9._:-]{1,200}$/;
const MAX_TEXT = 20_000;
const MAX_PATH = 4_096;

export function isRequestMethod(name: string): name is RequestMethod {
  return (REQUEST_METHODS as readonly string[]).includes(name);
}

function bad(what: string): never {
  throw new WukongError('BAD_REQUEST', 'The request was not valid.', what);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(v)) if (!allowed.includes(key)) bad(`${what}: unexpected field "${key}"`);
}

export function id(v: unknown, what = 'id'): string {
  if (typeof v !== 'string' || !ID.test(v)) bad(`${what} must be an identifier`);
  return v;
}

export function text(v: unknown, what: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) bad(`${what} must be a non-empty string of at most ${max} characters`);
  return v;
}

function int(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${what} must be an integer in [${min}, ${max}]`);
  return v;
}

function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : check(v);
}

function arity(args: unknown[], min: number, max: number, method: string): void {
  if (args.length < min || args.length > max) bad(`${method} takes ${min === max ? min : `${min} to ${max}`} arguments`);
}

export function scope(v: unknown): Scope {
  if (!isObject(v)) bad('scope must be an object');
  if ('library' in v) {
    onlyKeys(v, ['library'], 'scope');
    if (v.library !== true) bad('scope.library must be true');
    return { library: true };
  }
  onlyKeys(v, ['docIds'], 'scope');
  if (!Array.isArray(v.docIds) || v.docIds.length === 0 || v.docIds.length > 1_000) bad('scope.docIds must be a non-empty array');
  return { docIds: v.docIds.map((d) => id(d, 'scope.docIds[]')) };
}

const RETRIEVE_KEYS = ['k', 'budget', 'retriever'] as const;

export function retrieveOptions(v: unknown, extraKeys: readonly string[] = []): RetrieveOptions {
  if (v === undefined) return {};
  if (!isObject(v)) bad('options must be an object');
  onlyKeys(v, [...RETRIEVE_KEYS, ...extraKeys], 'options');
  const out: RetrieveOptions = {};
  if (v.k !== undefined) out.k = int(v.k, 'options.k', 1, 100);
  if (v.budget !== undefined) out.budget = int(v.budget, 'options.budget', 1, 1_000_000);
  if (v.retriever !== undefined) {
    if (v.retriever !== 'hybrid' && v.retriever !== 'bm25' && v.retriever !== 'dense') bad('options.retriever must be hybrid, bm25 or dense');
    out.retriever = v.retriever;
  }
  return out;
}

/** AskOptions without `signal`: the transport owns cancellation (disconnect, cancel call). */
export function askOptions(v: unknown): Omit<AskOptions, 'signal'> {
  const out: AskOptions = retrieveOptions(v, ['model', 'extractive', 'history', 'wholePaper', 'conversationId']);
  if (v === undefined) return out;
  const o = v as Record<string, unknown>;
  if (o.model !== undefined) out.model = id(o.model, 'options.model');
  if (o.conversationId !== undefined) out.conversationId = id(o.conversationId, 'options.conversationId');
  if (o.extractive !== undefined) {
    if (typeof o.extractive !== 'boolean') bad('options.extractive must be a boolean');
    out.extractive = o.extractive;
  }
  if (o.wholePaper !== undefined) {
    if (typeof o.wholePaper !== 'boolean') bad('options.wholePaper must be a boolean');
    out.wholePaper = o.wholePaper;
  }
  if (o.history !== undefined) {
    if (!Array.isArray(o.history) || o.history.length > 100) bad('options.history must be an array of at most 100 turns');
    out.history = o.history.map((turn) => {
      if (!isObject(turn)) bad('options.history[] must be objects');
      onlyKeys(turn, ['role', 'text'], 'options.history[]');
      if (turn.role !== 'user' && turn.role !== 'assistant') bad('options.history[].role must be user or assistant');
      if (typeof turn.text !== 'string' || turn.text.length > 100_000) bad('options.history[].text must be a string');
      return { role: turn.role, text: turn.text };
    });
  }
  return out;
}

export function askArgs(args: unknown[]): [Scope, string, Omit<AskOptions, 'signal'>] {
  arity(args, 2, 3, 'ask');
  return [scope(args[0]), text(args[1], 'question'), askOptions(args[2])];
}

export interface SourceRules {
  /** Web mode: bytes travel through the upload route, never inside JSON. */
  allowBytes: boolean;
  maxBytes?: number;
}

export function documentSource(v: unknown, rules: SourceRules): DocumentSource {
  if (!isObject(v)) bad('source must be an object');
  if ('path' in v) {
    onlyKeys(v, ['path'], 'source');
    return { path: text(v.path, 'source.path', MAX_PATH) };
  }
  if (!rules.allowBytes) bad('source must be { path }');
  onlyKeys(v, ['bytes', 'fileName'], 'source');
  if (!(v.bytes instanceof Uint8Array)) bad('source.bytes must be bytes');
  if (rules.maxBytes !== undefined && v.bytes.byteLength > rules.maxBytes) throw new WukongError('TOO_LARGE');
  return { bytes: v.bytes, fileName: fileName(v.fileName) };
}

/** A display name only: path separators and control characters are dropped. */
export function fileName(v: unknown): string {
  const name = text(v, 'fileName', 1_000).replace(/[\\/\p{Cc}]/gu, '_');
  return name;
}

function openOptions(v: unknown): { password?: string } {
  if (v === undefined) return {};
  if (!isObject(v)) bad('options must be an object');
  onlyKeys(v, ['password'], 'options');
  return v.password === undefined ? {} : { password: text(v.password, 'options.password', 1_000) };
}

const PRECISIONS = ['fp32', 'fp16', 'int8', 'int4'] as const;

export function installOptions(v: unknown): InstallOptions {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) bad('options must be an object');
  onlyKeys(v, ['precision'], 'options');
  if (v.precision === undefined) return {};
  if (!PRECISIONS.includes(v.precision as Precision)) bad(`options.precision must be one of ${PRECISIONS.join(', ')}`);
  return { precision: v.precision as Precision };
}

/** Returns the arguments to pass on, checked and copied (never the caller's own objects). */
export function validateRequest(method: RequestMethod, args: unknown, rules: SourceRules = { allowBytes: false }): unknown[] {
  if (!Array.isArray(args)) bad('args must be an array');
  switch (method) {
    case 'openDocument':
      arity(args, 1, 2, method);
      return [documentSource(args[0], rules), openOptions(args[1])];
    case 'listDocuments':
    case 'listJobs':
    case 'listModels':
    case 'getOpenDocument':
      arity(args, 0, 0, method);
      return [];
    case 'reopenDocument':
      arity(args, 1, 2, method);
      return [id(args[0], 'docId'), openOptions(args[1])];
    case 'getDocument':
    case 'removeDocument':
      arity(args, 1, 1, method);
      return [id(args[0], 'docId')];
    case 'cancelJob':
    case 'waitForJob':
      arity(args, 1, 1, method);
      return [id(args[0], 'jobId')];
    case 'listConversations':
      arity(args, 1, 1, method);
      return [scope(args[0])];
    case 'getConversation':
    case 'deleteConversation':
      arity(args, 1, 1, method);
      return [id(args[0], 'conversationId')];
    case 'setOpenDocument':
      arity(args, 1, 1, method);
      return [args[0] === null ? null : id(args[0], 'docId')];
    case 'retrieve':
      arity(args, 2, 3, method);
      return [scope(args[0]), text(args[1], 'question'), retrieveOptions(args[2])];
    case 'installModel':
      arity(args, 1, 3, method);
      // JSON turns a skipped id into null when options follow it.
      return [text(args[0], 'folder', MAX_PATH), args[1] === null ? undefined : optional(args[1], (v) => id(v, 'modelId')), installOptions(args[2])];
    case 'downloadModel':
    case 'verifyModel':
      arity(args, 1, 1, method);
      return [id(args[0], 'modelId')];
    case 'selectModel': {
      arity(args, 2, 2, method);
      const role = args[0];
      if (role !== 'embedder' && role !== 'generator' && role !== 'vision') bad('role must be embedder, generator or vision');
      return [role, args[1] === null ? null : id(args[1], 'modelId')];
    }
    default:
      return bad(`unknown method ${String(method satisfies never)}`);
  }
}
