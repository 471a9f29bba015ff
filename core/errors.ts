/**
 * Every failure a person can meet crosses the service boundary as one of these codes, so the CLI,
 * the HTTP API and the Electron IPC all show the same, understandable message.
 */
export const ERROR_MESSAGES = {
  NOT_FOUND: 'The file or document was not found.',
  NOT_PDF: 'This file is not a PDF.',
  CORRUPT_PDF: 'The PDF is damaged or truncated and could not be read.',
  ENCRYPTED: 'The PDF is password-protected. Open it again with its password.',
  BAD_PASSWORD: 'The password for this PDF is wrong.',
  NO_TEXT: 'No text could be found in this PDF: it has no text layer and text recognition read nothing on its pages.',
  EMPTY_PDF: 'The PDF has no pages.',
  TOO_LARGE: 'The file is larger than the configured limit.',
  PAGE_TIMEOUT: 'A page took too long to parse and was skipped.',
  MODEL_MISSING: 'No model is installed for this task.',
  MODEL_INVALID: 'The model files are incomplete or do not match their checksums.',
  DISK_FULL: 'There is not enough disk space to save this.',
  NO_ACCESS: 'WuKong Reader is not allowed to write to its data folder (read-only disk or missing permission).',
  CANCELLED: 'The job was cancelled.',
  BUSY: 'Another WuKong Reader process is working on this; wait until it is done or cancel it there.',
  NOT_IMPLEMENTED: 'This feature is not available in this version yet.',
  BAD_REQUEST: 'The request was not valid.',
  INTERNAL: 'Something went wrong inside WuKong Reader.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

/** The plain-data form of an error: what travels over IPC, HTTP and `--json`. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Technical detail for logs and bug reports, never needed to understand the message. */
  detail?: string;
}

export class WukongError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;

  constructor(code: ErrorCode, message: string = ERROR_MESSAGES[code], detail?: string) {
    super(message);
    this.name = 'WukongError';
    this.code = code;
    this.detail = detail;
  }

  toJSON(): ErrorInfo {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERROR_MESSAGES;
}

/** Turns anything thrown into a WukongError, keeping codes of known system errors. */
export function toWukongError(err: unknown): WukongError {
  if (err instanceof WukongError) return err;
  if (isErrorInfo(err)) return new WukongError(err.code, err.message, err.detail);
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  const detail = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.name === 'AbortError') return new WukongError('CANCELLED');
  if (e?.code === 'ENOENT') return new WukongError('NOT_FOUND', ERROR_MESSAGES.NOT_FOUND, detail);
  // SQLite (the library database) names the same conditions its own way.
  if (e?.code === 'ENOSPC' || e?.code === 'SQLITE_FULL') return new WukongError('DISK_FULL', ERROR_MESSAGES.DISK_FULL, detail);
  if (typeof e?.code === 'string' && WRITE_DENIED.has(e.code)) return new WukongError('NO_ACCESS', ERROR_MESSAGES.NO_ACCESS, detail);
  return new WukongError('INTERNAL', ERROR_MESSAGES.INTERNAL, detail);
}

/** System errors that mean "this path cannot be written", whatever the platform calls it. */
const WRITE_DENIED = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM']);

/**
 * For failures while saving into the data folder: a read-only disk makes a recursive mkdir report
 * ENOENT, which must not read as "your document was not found".
 */
export function toWriteError(err: unknown, path: string): WukongError {
  const e = toWukongError(err);
  if (e.code === 'NOT_FOUND' || e.code === 'NO_ACCESS' || e.code === 'INTERNAL') {
    return new WukongError('NO_ACCESS', `WuKong Reader cannot write to ${path} (read-only disk, missing permission, or a file in the way).`, e.detail);
  }
  return e;
}

export function isErrorInfo(value: unknown): value is ErrorInfo {
  const v = value as { code?: unknown; message?: unknown } | null;
  return typeof v === 'object' && v !== null && isErrorCode(v.code) && typeof v.message === 'string';
}

/** Throws CANCELLED when the signal has fired: call between steps of long work. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WukongError('CANCELLED');
}
