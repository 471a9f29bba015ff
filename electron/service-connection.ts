/**
 * The main process's handle on the service host: request/response over the utility process's
 * message port, answers streamed back by id. If the host dies, pending calls fail with INTERNAL
 * and the next call starts a fresh host (the library on disk is the state, not the process).
 */
import { app, utilityProcess, type UtilityProcess } from 'electron';
import { join } from 'node:path';
import type { AskEvent, AskOptions, RequestMethod, Scope, ServiceEvent } from '../core/api.js';
import { WukongError } from '../core/errors.js';
import type { FromHost, ToHost } from './host-protocol.js';
import { serviceHostEnv } from './sqlite-binding.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: WukongError) => void };

export class ServiceConnection {
  private child?: UtilityProcess;
  private ready?: Promise<void>;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private askListeners = new Map<string, (event: AskEvent) => void>();
  private closing = false;

  constructor(
    private readonly home: string,
    private readonly onServiceEvent: (event: ServiceEvent) => void,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = utilityProcess.fork(join(import.meta.dirname, 'service-host.js'), ['--home', this.home], {
      serviceName: 'WuKong service',
      stdio: 'inherit',
      env: serviceHostEnv(process.env, { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath }),
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: FromHost) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'fatal') reject(new WukongError(message.error.code, message.error.message, message.error.detail));
        else this.dispatch(message);
      });
      child.once('exit', (code) => {
        reject(new WukongError('INTERNAL', undefined, `service host exited with ${code}`));
        this.onExit(code);
      });
    });
    return this.ready;
  }

  private onExit(code: number): void {
    this.child = undefined;
    this.ready = undefined;
    const error = new WukongError('INTERNAL', undefined, `service host exited with ${code}`);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const listener of this.askListeners.values()) listener({ type: 'error', error: error.toJSON() });
    this.askListeners.clear();
  }

  private dispatch(message: FromHost): void {
    if (message.type === 'result') {
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!p) return;
      if (message.ok) p.resolve(message.value);
      else p.reject(new WukongError(message.error.code, message.error.message, message.error.detail));
    } else if (message.type === 'ask-event') {
      const listener = this.askListeners.get(message.askId);
      listener?.(message.event);
      if (message.event.type === 'done' || message.event.type === 'error') this.askListeners.delete(message.askId);
    } else if (message.type === 'event') {
      this.onServiceEvent(message.event);
    }
  }

  private async send(message: ToHost): Promise<void> {
    if (this.closing) throw new WukongError('CANCELLED');
    await this.start();
    this.child!.postMessage(message);
  }

  async call(method: RequestMethod | 'getDocumentFilePath', args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    try {
      await this.send({ type: 'call', id, method, args });
    } catch (err) {
      this.pending.delete(id);
      throw err;
    }
    return result;
  }

  /** Only the path crosses from the host: the main process streams the file itself (document-file-route.ts). */
  async documentFilePath(docId: string): Promise<string> {
    return (await this.call('getDocumentFilePath', [docId])) as string;
  }

  ask(askId: string, scope: Scope, question: string, options: Omit<AskOptions, 'signal'>, listener: (event: AskEvent) => void): void {
    this.askListeners.set(askId, listener);
    this.send({ type: 'ask', askId, scope, question, options }).catch((err: WukongError) => {
      this.askListeners.delete(askId);
      listener({ type: 'error', error: err.toJSON() });
    });
  }

  cancelAsk(askId: string): void {
    if (this.child) this.child.postMessage({ type: 'cancel-ask', askId } satisfies ToHost);
  }

  /** Lets the host finish writing the library, then stops it (killed after a grace period). */
  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.postMessage({ type: 'close' } satisfies ToHost);
    });
  }
}
