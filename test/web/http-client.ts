import { request } from 'node:http';
import { connect } from 'node:net';
import type { WebServer } from '../../web/server.js';

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export function send(server: WebServer, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

/**
 * Writes `head` on a raw socket (what node:http would refuse to send: malformed targets, half a request)
 * and resolves with everything the server says until it closes the connection, and when that was.
 */
export function rawExchange(server: WebServer, head: string, keepOpenMs = 0): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const socket = connect({ host: '127.0.0.1', port: server.port }, () => socket.write(head));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', fail);
    socket.on('close', () => ok({ text, closedAfterMs: performance.now() - t0 }));
    if (keepOpenMs) setTimeout(() => socket.end(), keepOpenMs);
  });
}
