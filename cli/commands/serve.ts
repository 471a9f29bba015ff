import { WukongError } from '../../core/errors.js';
import type { Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app in the browser (web mode) on 127.0.0.1 only, with a per-run access token.',
  positionals: [],
  flags: {
    port: { type: 'number', description: 'port to listen on (default: a free one)' },
    open: { type: 'boolean', description: 'open the app in the default browser' },
  },
  async run() {
    throw new WukongError('NOT_IMPLEMENTED', 'Web mode comes with the desktop-app issue and is not available in this version yet.');
  },
};
