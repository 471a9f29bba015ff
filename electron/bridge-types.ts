/**
 * What the preload exposes to the renderer as `window.wukong` (contextBridge). Types only, so the
 * renderer can import it without pulling Electron in. Every call returns a Reply instead of
 * throwing, because Error objects lose their fields (the error code) crossing contextBridge.
 */
import type { AskEvent, AskOptions, ModelInfo, OpenResult, RequestMethod, Scope, ServiceEvent } from '../core/api.js';
import type { ErrorInfo } from '../core/errors.js';

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Menu items and OS events (file association, second instance) forwarded to the renderer. */
export type HostCommand =
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'find' }
  | { type: 'focus-question' }
  | { type: 'show-document'; docId: string };

export interface WukongBridge {
  request(method: RequestMethod, args: unknown[]): Promise<Reply<unknown>>;
  getDocumentFile(docId: string): Promise<Reply<Uint8Array>>;
  /** Starts an answer; its events arrive through onAskEvent tagged with `askId`. */
  ask(askId: string, scope: Scope, question: string, options: Omit<AskOptions, 'signal'>): void;
  cancelAsk(askId: string): void;
  onAskEvent(listener: (askId: string, event: AskEvent) => void): () => void;
  onServiceEvent(listener: (event: ServiceEvent) => void): () => void;
  onCommand(listener: (command: HostCommand) => void): () => void;
  /** The native Open dialog; an empty list when the person cancels. */
  showOpenDialog(): Promise<Reply<OpenResult[]>>;
  /** Files dropped on the window: the preload resolves their paths (webUtils.getPathForFile). */
  openFiles(files: File[]): Promise<Reply<OpenResult[]>>;
  /**
   * A native folder dialog, then installModel on the folder picked there (null when cancelled): the page
   * never names a folder itself, so it cannot have the app copy and hash arbitrary files.
   */
  installModelFromDialog(id?: string): Promise<Reply<ModelInfo | null>>;
}

/** IPC channel names, shared by main and preload so a typo cannot split them. */
export const IPC = {
  request: 'wukong:request',
  file: 'wukong:file',
  ask: 'wukong:ask',
  cancelAsk: 'wukong:cancel-ask',
  askEvent: 'wukong:ask-event',
  serviceEvent: 'wukong:service-event',
  command: 'wukong:command',
  openDialog: 'wukong:open-dialog',
  openPaths: 'wukong:open-paths',
  installModelDialog: 'wukong:install-model-dialog',
} as const;
