/**
 * The only bridge between the sandboxed page and the app: a fixed, typed set of functions
 * (WukongBridge). No ipcRenderer, no Node, no raw channels reach the page. Bundled to
 * dist/electron/preload.cjs by scripts/build-renderer.mjs: sandboxed preloads must be CommonJS.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { AskEvent, ModelInfo, OpenResult, ServiceEvent } from '../core/api.js';
import { IPC, type HostCommand, type Reply, type WukongBridge } from './bridge-types.js';

function subscribe<A extends unknown[]>(channel: string, listener: (...args: A) => void): () => void {
  // Wrap so the page never receives the IpcRendererEvent (it exposes `sender`).
  const wrapped = (_event: IpcRendererEvent, ...args: unknown[]): void => listener(...(args as A));
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api: WukongBridge = {
  request: (method, args) => ipcRenderer.invoke(IPC.request, method, args) as Promise<Reply<unknown>>,
  ask: (askId, scope, question, options) => ipcRenderer.send(IPC.ask, askId, scope, question, options),
  cancelAsk: (askId) => ipcRenderer.send(IPC.cancelAsk, askId),
  onAskEvent: (listener) => subscribe<[string, AskEvent]>(IPC.askEvent, listener),
  onServiceEvent: (listener) => subscribe<[ServiceEvent]>(IPC.serviceEvent, listener),
  onCommand: (listener) => subscribe<[HostCommand]>(IPC.command, listener),
  showOpenDialog: () => ipcRenderer.invoke(IPC.openDialog) as Promise<Reply<OpenResult[]>>,
  openFiles: (files) => {
    // Only real File objects from a drop or a file input have a path; anything else gives ''.
    const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p.length > 0);
    return ipcRenderer.invoke(IPC.openPaths, paths) as Promise<Reply<OpenResult[]>>;
  },
  installModelFromDialog: (options) => ipcRenderer.invoke(IPC.installModelDialog, options) as Promise<Reply<ModelInfo | null>>,
};

contextBridge.exposeInMainWorld('wukong', api);
