/**
 * The main-process side of the bridge. Every handler checks who is calling (our window, on our
 * app:// origin) and validates every argument before the service sees it. The page cannot open
 * arbitrary paths: files come only from the native dialog or from files the person dropped, and
 * model folders only from the native folder dialog.
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { AskEvent, OpenResult } from '../core/api.js';
import { WukongError, toWukongError } from '../core/errors.js';
import { askArgs, id, installOptions, isRequestMethod, validateRequest } from '../web/validate.js';
import { isAppUrl } from './app-protocol.js';
import { IPC, type Reply } from './bridge-types.js';
import { checkPdfPaths } from './pdf-paths.js';
import type { ServiceConnection } from './service-connection.js';

export interface IpcContext {
  connection: ServiceConnection;
  /** The one window allowed to call us. */
  contents(): WebContents | undefined;
  showOpenDialog(): Promise<OpenResult[]>;
  openPaths(paths: string[]): Promise<OpenResult[]>;
  /** The native folder dialog; null when cancelled. */
  chooseModelFolder(): Promise<string | null>;
}

function guard(ctx: IpcContext, event: IpcMainEvent | IpcMainInvokeEvent): void {
  if (event.sender !== ctx.contents() || !isAppUrl(event.senderFrame?.url)) throw new WukongError('BAD_REQUEST', undefined, 'IPC from an unexpected frame');
}

async function reply<T>(work: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: toWukongError(err).toJSON() };
  }
}

export function registerIpc(ctx: IpcContext): void {
  ipcMain.handle(IPC.request, (event, method: unknown, args: unknown) =>
    reply(async () => {
      guard(ctx, event);
      // Opening and installing go through a dialog or a drop (openPaths), never a path the page makes up.
      if (typeof method !== 'string' || !isRequestMethod(method) || method === 'openDocument' || method === 'installModel') {
        throw new WukongError('BAD_REQUEST', undefined, `method ${String(method)}`);
      }
      return ctx.connection.call(method, validateRequest(method, args));
    }),
  );

  ipcMain.handle(IPC.openDialog, (event) =>
    reply(async () => {
      guard(ctx, event);
      return ctx.showOpenDialog();
    }),
  );

  ipcMain.handle(IPC.openPaths, (event, paths: unknown) =>
    reply(async () => {
      guard(ctx, event);
      return ctx.openPaths(await checkPdfPaths(paths));
    }),
  );

  ipcMain.handle(IPC.installModelDialog, (event, options: unknown) =>
    reply(async () => {
      guard(ctx, event);
      const checked = installOptions(options);
      const folder = await ctx.chooseModelFolder();
      return folder === null ? null : ctx.connection.call('installModel', [folder, undefined, checked]);
    }),
  );

  ipcMain.on(IPC.ask, (event, askId: unknown, ...rest: unknown[]) => {
    const send = (id: string, e: AskEvent): void => {
      if (!event.sender.isDestroyed()) event.sender.send(IPC.askEvent, id, e);
    };
    let checkedId: string;
    try {
      guard(ctx, event);
      checkedId = id(askId, 'askId');
    } catch {
      return;
    }
    try {
      const [scope, question, options] = askArgs(rest);
      ctx.connection.ask(checkedId, scope, question, options, (e) => send(checkedId, e));
    } catch (err) {
      send(checkedId, { type: 'error', error: toWukongError(err).toJSON() });
    }
  });

  ipcMain.on(IPC.cancelAsk, (event, askId: unknown) => {
    try {
      guard(ctx, event);
      ctx.connection.cancelAsk(id(askId, 'askId'));
    } catch {
      // A bad cancel has nothing to cancel.
    }
  });
}
