import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../web/server.js';
import { createFakeService } from './fake-service.js';
import { rawExchange, send } from './http-client.js';

/** Requests no browser sends: each is the client's mistake (400 with a message), never a 500 from ours. */
describe('web server: malformed and slow requests', () => {
  let server: WebServer;
  let auth: Record<string, string>;
  let head: (line: string, extra?: string) => string;

  beforeAll(async () => {
    server = await startWebServer({ service: createFakeService({ stepMs: 1 }), headersTimeoutMs: 400, requestTimeoutMs: 2_000, bodyIdleTimeoutMs: 400 });
    auth = { host: `127.0.0.1:${server.port}`, 'x-wukong-token': server.token, 'content-type': 'application/json' };
    head = (line, extra = '') => `${line}\r\nHost: 127.0.0.1:${server.port}\r\nX-Wukong-Token: ${server.token}\r\n${extra}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['null', '42', '"text"', '[1, 2]', 'true'])('answers a %s body with 400 and says it must be a JSON object', async (body) => {
    for (const path of ['/api/listDocuments', '/api/ask']) {
      const r = await send(server, path, { method: 'POST', headers: auth, body });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error).toMatchObject({ code: 'BAD_REQUEST', message: 'The request body must be a JSON object.' });
    }
  });

  it('answers args that are not an array with 400', async () => {
    const r = await send(server, '/api/getDocument', { method: 'POST', headers: auth, body: JSON.stringify({ args: 5 }) });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.detail).toBe('args must be an array');
  });

  it('answers a malformed URL or percent-escape with 400', async () => {
    for (const target of ['//', '//[', 'http://[']) {
      const { text } = await rawExchange(server, head(`GET ${target} HTTP/1.1`, 'Connection: close\r\n\r\n'));
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(text).toContain('The request URL is malformed.');
    }
    const escape = await send(server, '/api/documents/%E0%A4%A/file', { headers: auth });
    expect(escape.status).toBe(400);
    expect(JSON.parse(escape.body).error.message).toBe('The request URL is malformed.');
  });

  it('closes the connection of a client that never finishes its headers', async () => {
    const { text, closedAfterMs } = await rawExchange(server, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    expect(text === '' || text.startsWith('HTTP/1.1 408')).toBe(true);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('refuses a body that stops arriving, and closes the connection', async () => {
    const partial = head('POST /api/listDocuments HTTP/1.1', 'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"args":');
    const { text, closedAfterMs } = await rawExchange(server, partial);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain('timed out');
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('still answers normal requests afterwards', async () => {
    const r = await send(server, '/api/listDocuments', { method: 'POST', headers: auth, body: '{}' });
    expect(r.status).toBe(200);
  });
});
