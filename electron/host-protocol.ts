/**
 * Messages between the main process and the service host (a utility process running the
 * service, so parsing and indexing never block the window or the main process's event loop).
 * Plain structured-clone data; Uint8Array travels as is.
 */
import type { AskEvent, AskOptions, RequestMethod, Scope, ServiceEvent } from '../core/api.js';
import type { ErrorInfo } from '../core/errors.js';

export type ToHost =
  | { type: 'call'; id: number; method: RequestMethod | 'getDocumentFilePath'; args: unknown[] }
  | { type: 'ask'; askId: string; scope: Scope; question: string; options: Omit<AskOptions, 'signal'> }
  | { type: 'cancel-ask'; askId: string }
  | { type: 'close' };

export type FromHost =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo }
  | { type: 'ask-event'; askId: string; event: AskEvent }
  | { type: 'event'; event: ServiceEvent }
  | { type: 'fatal'; error: ErrorInfo };
