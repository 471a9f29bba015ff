/**
 * The renderer's only way to reach the service: the WukongService contract over a transport
 * (HTTP in web mode, the preload bridge in Electron), plus the few things a window needs from
 * its host (opening files the person chose, menu commands).
 */
import type { InstallOptions, ModelInfo, OpenResult, RequestMethod, WukongService } from '../../../core/api.js';
import type { HostCommand } from '../../../electron/bridge-types.js';

export type { HostCommand };

export interface AppClient extends Pick<WukongService, RequestMethod | 'getDocumentFile' | 'ask' | 'onEvent'> {
  readonly kind: 'web' | 'electron';
  /** Opens files the person dropped or picked with a file input. */
  openFiles(files: File[]): Promise<OpenResult[]>;
  /** A native Open dialog, where the host has one (Electron); web mode uses a file input. */
  showOpenDialog?(): Promise<OpenResult[]>;
  /** Installs a model folder chosen in a native folder dialog (Electron); web mode types a path. null = cancelled. */
  installModelFromDialog?(options: InstallOptions): Promise<ModelInfo | null>;
  onCommand(listener: (command: HostCommand) => void): () => void;
}

/** Request methods forwarded one-to-one; each client builds them from a single `call`. */
export function requestMethods(call: (method: RequestMethod, args: unknown[]) => Promise<unknown>): Pick<WukongService, RequestMethod> {
  const m = <M extends RequestMethod>(method: M) =>
    ((...args: unknown[]) => call(method, args)) as unknown as WukongService[M];
  return {
    openDocument: m('openDocument'),
    reopenDocument: m('reopenDocument'),
    listDocuments: m('listDocuments'),
    getDocument: m('getDocument'),
    removeDocument: m('removeDocument'),
    listJobs: m('listJobs'),
    cancelJob: m('cancelJob'),
    waitForJob: m('waitForJob'),
    retrieve: m('retrieve'),
    listConversations: m('listConversations'),
    getConversation: m('getConversation'),
    deleteConversation: m('deleteConversation'),
    getOpenDocument: m('getOpenDocument'),
    setOpenDocument: m('setOpenDocument'),
    listModels: m('listModels'),
    installModel: m('installModel'),
    downloadModel: m('downloadModel'),
    selectModel: m('selectModel'),
    verifyModel: m('verifyModel'),
  };
}
