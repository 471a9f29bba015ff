/**
 * Electron main process: one window, the service in a utility process, and the OS integration
 * (menu, single instance, opening PDFs from the file manager). Security follows the Electron
 * checklist: context isolation, sandbox, no Node in the page, a strict CSP, only app:// content,
 * no navigation, no new windows, no permissions, and every IPC argument validated (ipc.ts).
 */
import { BrowserWindow, Menu, app, dialog, session } from 'electron';
import { extname, join, resolve } from 'node:path';
import type { OpenResult } from '../core/api.js';
import { defaultHome } from '../core/service/paths.js';
import { APP_URL, isAppUrl, registerAppScheme, serveAppScheme } from './app-protocol.js';
import { IPC, type HostCommand } from './bridge-types.js';
import { registerIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { checkPdfPaths } from './pdf-paths.js';
import { RecentFiles } from './recent.js';
import { ServiceConnection } from './service-connection.js';

const here = import.meta.dirname;
let window: BrowserWindow | undefined;
let connection: ServiceConnection;
let recent: RecentFiles;
/** PDFs handed to us before the window could show them (launch by file association). */
const pendingPaths: string[] = [];
let pageReady = false;

registerAppScheme();

function pdfArgs(argv: readonly string[]): string[] {
  return argv.slice(1).filter((a) => !a.startsWith('-') && extname(a).toLowerCase() === '.pdf').map((a) => resolve(a));
}

function send(command: HostCommand): void {
  window?.webContents.send(IPC.command, command);
}

async function openPaths(paths: string[]): Promise<OpenResult[]> {
  const results: OpenResult[] = [];
  for (const path of paths) {
    results.push((await connection.call('openDocument', [{ path }])) as OpenResult);
    recent.add(path);
  }
  return results;
}

/** From the menu, Open Recent, the file manager or a second launch: open, then show it. */
async function openAndShow(paths: string[]): Promise<void> {
  if (!pageReady) {
    pendingPaths.push(...paths);
    return;
  }
  try {
    const results = await openPaths(await checkPdfPaths(paths));
    const last = results.at(-1);
    if (last) send({ type: 'show-document', docId: last.document.id });
  } catch (err) {
    dialog.showErrorBox('Could not open the PDF', (err as Error).message);
  }
}

async function showOpenDialog(): Promise<OpenResult[]> {
  const options = { title: 'Open PDF', properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[], filters: [{ name: 'PDF documents', extensions: ['pdf'] }] };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : openPaths(result.filePaths);
}

async function chooseModelFolder(): Promise<string | null> {
  const options = { title: 'Install a model folder', properties: ['openDirectory'] as 'openDirectory'[] };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled || !result.filePaths[0] ? null : result.filePaths[0];
}

function refreshMenu(): void {
  Menu.setApplicationMenu(
    buildMenu(recent.list(), {
      open: () => send({ type: 'open' }),
      openPath: (p) => void openAndShow([p]),
      clearRecent: () => recent.clear(),
      close: () => send({ type: 'close' }),
      find: () => send({ type: 'find' }),
      focusQuestion: () => send({ type: 'focus-question' }),
    }),
  );
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'WuKong Reader',
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  pageReady = false;
  window.once('ready-to-show', () => window?.show());
  window.webContents.on('did-finish-load', () => {
    pageReady = true;
    if (pendingPaths.length) void openAndShow(pendingPaths.splice(0));
  });
  window.on('closed', () => {
    window = undefined;
    pageReady = false;
  });
  void window.loadURL(APP_URL);
}

// Every web contents, including any a bug might create: no navigation, no popups, no webviews.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  pendingPaths.push(...pdfArgs(process.argv));

  app.on('second-instance', (_event, argv) => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const paths = pdfArgs(argv);
    if (paths.length) void openAndShow(paths);
  });

  // macOS sends files opened from Finder this way, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    void openAndShow([path]);
  });

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // No remote content: the page only ever loads app:// files.
    ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => callback({ cancel: !isAppUrl(details.url) }));
    connection = new ServiceConnection(defaultHome(), (event) => window?.webContents.send(IPC.serviceEvent, event));
    serveAppScheme(join(here, '..', 'renderer'), (docId) => connection.documentFilePath(docId));
    recent = new RecentFiles(refreshMenu);
    registerIpc({ connection, contents: () => window?.webContents, showOpenDialog, openPaths, chooseModelFolder });
    refreshMenu();
    createWindow();

    app.on('activate', () => {
      if (!window) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closed = false;
  app.on('before-quit', (event) => {
    if (closed || !connection) return;
    // Let the service finish writing the library before the process goes.
    event.preventDefault();
    void connection.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}
