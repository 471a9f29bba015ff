/**
 * What the preload exposes to the renderer as `window.wukong` (contextBridge). Types and constants
 * only, so the renderer can import it without pulling Electron in. Every call returns a Reply instead of
 * throwing, because Error objects lose their fields (the error code) crossing contextBridge.
 */
import type { AskEvent, AskOptions, InstallOptions, ModelInfo, OpenResult, RequestMethod, Scope, ServiceEvent } from '../core/api.js';
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
  /** A native folder dialog, then installs the chosen model folder; null when the person cancels. */
  installModelFromDialog(options: InstallOptions): Promise<Reply<ModelInfo | null>>;
}

/** IPC channel names, shared by main and preload so a typo cannot split them. */
export const IPC = {
  request: 'wukong:request',
  ask: 'wukong:ask',
  cancelAsk: 'wukong:cancel-ask',
  askEvent: 'wukong:ask-event',
  serviceEvent: 'wukong:service-event',
  command: 'wukong:command',
  openDialog: 'wukong:open-dialog',
  openPaths: 'wukong:open-paths',
  installModelDialog: 'wukong:install-model-dialog',
} as const;

/**
 * The viewer's PDF is not on the bridge: the page fetches it from its own origin (app://wukong), where the
 * main process streams the stored copy (electron/document-file-route.ts), so no process holds it whole but the page.
 */
export const DOCUMENT_FILE_PREFIX = '/documents/';

export function documentFileUrl(docId: string): string {
  return `${DOCUMENT_FILE_PREFIX}${encodeURIComponent(docId)}/file`;
}
