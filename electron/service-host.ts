/**
 * Entry point of the utility process that runs the service (utilityProcess.fork in main.ts).
 * It holds no window and no Electron UI: only the service and a message loop on parentPort.
 */
import type { ParentPort } from 'electron';
import type { WukongService } from '../core/api.js';
import { toWukongError } from '../core/errors.js';
import { createService } from '../core/service/index.js';
import type { FromHost, ToHost } from './host-protocol.js';

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
const home = process.argv[process.argv.indexOf('--home') + 1];
const asks = new Map<string, AbortController>();

function post(message: FromHost): void {
  port.postMessage(message);
}

async function runAsk(service: WukongService, message: Extract<ToHost, { type: 'ask' }>): Promise<void> {
  const controller = new AbortController();
  asks.set(message.askId, controller);
  try {
    for await (const event of service.ask(message.scope, message.question, { ...message.options, signal: controller.signal })) {
      post({ type: 'ask-event', askId: message.askId, event });
    }
  } catch (err) {
    post({ type: 'ask-event', askId: message.askId, event: { type: 'error', error: toWukongError(err).toJSON() } });
  } finally {
    asks.delete(message.askId);
  }
}

async function main(): Promise<void> {
  let service: WukongService;
  try {
    service = await createService({ home, watchOtherProcesses: true });
  } catch (err) {
    post({ type: 'fatal', error: toWukongError(err).toJSON() });
    process.exit(1);
  }
  service.onEvent((event) => post({ type: 'event', event }));
  port.on('message', ({ data }: { data: ToHost }) => {
    switch (data.type) {
      case 'call': {
        const fn = service[data.method] as (...args: unknown[]) => Promise<unknown>;
        fn.apply(service, data.args).then(
          (value) => post({ type: 'result', id: data.id, ok: true, value: value ?? null }),
          (err: unknown) => post({ type: 'result', id: data.id, ok: false, error: toWukongError(err).toJSON() }),
        );
        break;
      }
      case 'ask':
        void runAsk(service, data);
        break;
      case 'cancel-ask':
        asks.get(data.askId)?.abort();
        break;
      case 'close':
        for (const controller of asks.values()) controller.abort();
        void service.close().finally(() => process.exit(0));
        break;
    }
  });
  post({ type: 'ready' });
}

void main();
