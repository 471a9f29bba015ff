import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));

describe.skipIf(!built)('wukong serve (built CLI)', () => {
  it('listens on 127.0.0.1 with a token, answers the API only with it, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'wukong.js'), 'serve'], {
      env: { ...process.env, WUKONG_HOME: tempHome() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /running at (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
    });
    const parsed = new URL(url);
    expect(parsed.hostname).toBe('127.0.0.1');
    const token = new URLSearchParams(parsed.hash.slice(1)).get('token');
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const api = `${parsed.origin}/api/listDocuments`;
    const denied = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"args":[]}' });
    expect([401, 403]).toContain(denied.status);
    const ok = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wukong-token': token! }, body: '{"args":[]}' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ result: [] });
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
