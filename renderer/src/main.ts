/** Renderer entry: pick the transport for this host and mount the app. */
import type { AppClient } from './client/app-client.js';
import { bridge, createBridgeClient } from './client/bridge-client.js';
import { createHttpClient, takeToken } from './client/http-client.js';
import './app/app-shell.js';
import type { AppShell } from './app/app-shell.js';

function createClient(): AppClient | string {
  const api = bridge();
  if (api) return createBridgeClient(api);
  const token = takeToken();
  if (!token) return 'Open the link printed by `wukong serve` (it carries the access token).';
  return createHttpClient(token);
}

const client = createClient();
if (typeof client === 'string') {
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = client;
  document.body.append(p);
} else {
  const app = document.createElement('wk-app') as unknown as AppShell;
  app.client = client;
  document.body.append(app);
}
