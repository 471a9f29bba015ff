import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../core/models/registry.js';
import { runCli, tempHome } from '../helpers/cli.js';

/** A folder laid out like a sentence-transformers ONNX export (contents are small stand-ins). */
function fakeEmbedderFolder(): string {
  const dir = join(tempHome(), 'my-embedder');
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), '{"model":{}}');
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.alloc(4096, 7));
  writeFileSync(join(dir, '1_Pooling', 'config.json'), '{"pooling_mode_mean_tokens":true}');
  writeFileSync(join(dir, 'config.json'), '{"model_type":"bert"}');
  return dir;
}

describe('wukong models', () => {
  it('lists the built-in embedder as installed and selected', async () => {
    const r = await runCli(['models', 'list', '--json']);
    expect(r.code).toBe(0);
    const models = JSON.parse(r.out);
    expect(models.find((m: { id: string }) => m.id === 'use-lite-en')).toMatchObject({ builtin: true, installed: true, selected: true, role: 'embedder' });
  });

  it('installs a model folder, verifies it, and notices a damaged file', async () => {
    const home = tempHome();
    const env = { WUKONG_HOME: home };
    const folder = fakeEmbedderFolder();
    const inst = await runCli(['models', 'install', folder, '--id', 'mini', '--json'], env);
    expect(inst.code).toBe(0);
    expect(JSON.parse(inst.out)).toMatchObject({ id: 'mini', role: 'embedder', installed: true, sizeBytes: 4096 + 12 + 33 + 21 });
    expect((await runCli(['models', 'verify', 'mini'], env)).code).toBe(0);
    expect((await runCli(['models', 'select', 'embedder', 'mini'], env)).code).toBe(0);
    const listed = JSON.parse((await runCli(['models', 'list', '--json'], env)).out);
    expect(listed.find((m: { id: string }) => m.id === 'mini').selected).toBe(true);
    writeFileSync(join(home, 'models', 'mini', 'onnx', 'model.onnx'), 'truncated');
    const bad = await runCli(['models', 'verify', 'mini', '--json'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)[0].files.find((f: { path: string }) => f.path === 'onnx/model.onnx')).toMatchObject({ ok: false, problem: 'checksum differs' });
  });

  it('refuses a folder that is not a model, and leaves nothing half-installed', async () => {
    const home = tempHome();
    const folder = join(home, 'junk');
    mkdirSync(folder);
    writeFileSync(join(folder, 'readme.txt'), 'hi');
    const r = await runCli(['models', 'install', folder, '--json'], { WUKONG_HOME: home });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('MODEL_INVALID');
    expect(JSON.parse((await runCli(['models', 'list', '--json'], { WUKONG_HOME: home })).out).some((m: { id: string }) => m.id === 'junk')).toBe(false);
  });

  it('asking with a model that is not installed fails with MODEL_MISSING', async () => {
    const registry = new ModelRegistry(tempHome());
    await expect(registry.generatorFor('smollm-360m-instruct')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    await expect(registry.select('generator', 'smollm-360m-instruct')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });

  it('will not download a model whose files are not pinned', async () => {
    const r = await runCli(['models', 'download', 'all-minilm-l6-v2', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toContain('not pinned');
  });
});

describe('model download from a pinned manifest (loopback mirror)', () => {
  const payload = Buffer.from('x'.repeat(100_000));
  const good = createHash('sha256').update(payload).digest('hex');
  let server: Server;
  let base: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.url} ${req.headers.range ?? ''}`);
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      const from = m ? Number(m[1]) : 0;
      res.writeHead(m ? 206 : 200, { 'content-length': payload.length - from });
      res.end(payload.subarray(from));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function manifest(sha: string): string {
    const dir = tempHome();
    const file = join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify({
      version: 1,
      mirror: base,
      models: [{ id: 'tiny', role: 'embedder', name: 'Tiny', description: 't', source: { repo: 'org/tiny', revision: 'abc123' }, files: [{ path: 'onnx/model.onnx', size: payload.length, sha256: sha }] }],
    }));
    return file;
  }

  it('downloads, resumes a partial file, checks the checksum and installs', async () => {
    const home = tempHome();
    const registry = new ModelRegistry(home, manifest(good));
    const plan = await registry.planDownload('tiny');
    expect(plan.baseUrl).toBe(`${base}/org/tiny/resolve/abc123`);
    // A run that was cut off left the first 30,000 bytes behind.
    mkdirSync(join(home, 'models', '.downloading-tiny', 'onnx'), { recursive: true });
    writeFileSync(join(home, 'models', '.downloading-tiny', 'onnx', 'model.onnx.part'), payload.subarray(0, 30_000));
    let last = 0;
    await registry.download(plan, { signal: new AbortController().signal, onProgress: (d) => (last = d) });
    expect(requests.at(-1)).toBe('/org/tiny/resolve/abc123/onnx/model.onnx bytes=30000-');
    expect(last).toBe(payload.length);
    expect((await registry.verify('tiny')).ok).toBe(true);
  });

  it('rejects a file whose checksum does not match its pin', async () => {
    const home = tempHome();
    const registry = new ModelRegistry(home, manifest('0'.repeat(64)));
    await expect(registry.download(await registry.planDownload('tiny'), { signal: new AbortController().signal, onProgress: () => {} }))
      .rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect((await registry.list()).find((m) => m.id === 'tiny')?.installed).toBe(false);
  });

  it('copies cleanly: installing over an existing copy replaces it', async () => {
    const home = tempHome();
    const registry = new ModelRegistry(home);
    const folder = fakeEmbedderFolder();
    await registry.installFromFolder(folder, 'again');
    cpSync(folder, folder + '-2', { recursive: true });
    writeFileSync(join(folder + '-2', 'onnx', 'model.onnx'), Buffer.alloc(10, 1));
    const second = await registry.installFromFolder(folder + '-2', 'again');
    expect(second.sizeBytes).toBe(10 + 12 + 33 + 21);
    expect((await registry.verify('again')).ok).toBe(true);
  });
});
