import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    await expect(registry.generatorFor('qwen2.5-0.5b-instruct')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    await expect(registry.select('generator', 'qwen2.5-0.5b-instruct')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });

  it('refuses to download a built-in model or an unknown id', async () => {
    const builtin = await runCli(['models', 'download', 'use-lite-en', '--json']);
    expect(builtin.code).toBe(1);
    expect(JSON.parse(builtin.out).error.code).toBe('BAD_REQUEST');
    const unknown = await runCli(['models', 'download', 'no-such-model', '--json']);
    expect(JSON.parse(unknown.out).error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no-such-model') });
  });
});

describe('installing over an existing copy', () => {
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
