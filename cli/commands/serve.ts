import { spawn } from 'node:child_process';
import { platform } from 'node:os';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import type { CliIO } from '../io.js';
import { cliService } from '../open.js';
import { startWebServer } from '../../web/server.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app in the browser (web mode) on 127.0.0.1 only, with a per-run access token.',
  positionals: [],
  flags: {
    port: { type: 'number', description: 'port to listen on (default: a free one)' },
    open: { type: 'boolean', description: 'open the app in the default browser' },
  },
  examples: ['wukong serve', 'wukong serve --port 8080 --open'],
  async run({ args, io, env }) {
    const port = args.flags.port as number | undefined;
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError('--port must be 0-65535');
    const service = await cliService(env, { watchOtherProcesses: true });
    const server = await startWebServer({ service, port });
    io.out(`WuKong Reader is running at ${server.url}\n(only this machine can reach it; the link carries this run's access token)\nPress Ctrl+C to stop.`);
    if (args.flags.open) openBrowser(server.url, io);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await service.close();
    return 0;
  },
};

function openBrowser(url: string, io: CliIO): void {
  const [cmd, ...args] = platform() === 'darwin' ? ['open', url] : platform() === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => io.err(`Could not open a browser; open ${url} yourself.`));
  child.unref();
}
