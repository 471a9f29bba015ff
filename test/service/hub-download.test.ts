/**
 * Model downloads against a local imitation of the Hugging Face Hub (test/helpers/fake-hub.ts):
 * commit pinning, CDN redirects without the token, Range resume, retries, checksums, gated repos,
 * sharded weights, cancel, and the prepare hook that builds a generator before it is installed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry, type PrepareHook, type RegistryOptions } from '../../core/models/registry.js';
import { FakeHub, lfs, sha256, small, type HubFile } from '../helpers/fake-hub.js';
import { tempHome } from '../helpers/cli.js';

const COMMIT_A = 'a'.repeat(40);
const COMMIT_B = 'b'.repeat(40);
const TOKEN = 'hf_secret_token';

function llamaFiles(weights: HubFile): Record<string, HubFile> {
  return {
    // A config the builder accepts (the weights themselves are never read: prepare is a fake here).
    'config.json': small(JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 64, intermediate_size: 160, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 49152 })),
    'generation_config.json': small('{"eos_token_id":2}'),
    'tokenizer.json': small('{"model":{"type":"BPE"}}'),
    'tokenizer_config.json': small('{"chat_template":"{{ messages }}"}'),
    'model.safetensors': weights,
  };
}

const GENERATOR_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'].map((path) => ({ path, size: null, sha256: null }));

function manifestFile(mirror: string): string {
  const file = join(tempHome(), 'manifest.json');
  const weights = { path: 'model.safetensors', size: null, sha256: null, alternative: 'model.safetensors.index.json' };
  const gen = (id: string, repo: string, files = [...GENERATOR_FILES, weights]) => ({ id, role: 'generator', name: id, description: 'test', source: { repo, revision: null }, files });
  writeFileSync(file, JSON.stringify({
    version: 1,
    mirror,
    models: [
      gen('tiny', 'org/tiny'),
      gen('sharded', 'org/sharded'),
      gen('gated', 'org/gated'),
      gen('missing-file', 'org/tiny', [...GENERATOR_FILES, { path: 'special_tokens_map.json', size: null, sha256: null }]),
    ],
  }));
  return file;
}

describe('model download from a Hub imitation', () => {
  const hub = new FakeHub();
  const weights = lfs(300_000, 1);
  const oldWeights = lfs(200_000, 2);
  const shards = [lfs(150_000, 3), lfs(120_000, 4)];
  let manifest: string;

  beforeAll(async () => {
    await hub.start();
    manifest = manifestFile(hub.hubUrl);
    hub.addRepo('org/tiny', { commit: COMMIT_A, files: llamaFiles(weights) });
    const index = { metadata: { total_size: 270_000 }, weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors', 'c.weight': 'model-00001-of-00002.safetensors' } };
    const { 'model.safetensors': _, ...rest } = llamaFiles(weights);
    hub.addRepo('org/sharded', {
      commit: COMMIT_A,
      files: { ...rest, 'model.safetensors.index.json': small(JSON.stringify(index)), 'model-00001-of-00002.safetensors': shards[0], 'model-00002-of-00002.safetensors': shards[1] },
    });
    hub.addRepo('org/gated', { commit: COMMIT_A, files: llamaFiles(weights), token: TOKEN });
  });
  afterAll(() => hub.stop());
  beforeEach(() => hub.reset());

  const registry = (home: string, extra: RegistryOptions = {}) =>
    new ModelRegistry(home, { manifestPath: manifest, retry: { retries: 3, delayMs: 5 }, ...extra });
  const download = async (r: ModelRegistry, id: string, signal = new AbortController().signal) => {
    const messages: string[] = [];
    let last = { done: 0, total: 0 };
    await r.download(await r.planDownload(id), {
      signal,
      onProgress: (done, total, message) => {
        messages.push(message);
        last = { done, total };
      },
    });
    return { messages, last };
  };

  it('downloads every file from one commit, sends the token to the Hub but not to the CDN, and pins the commit', async () => {
    const home = tempHome();
    const { last } = await download(registry(home, { token: TOKEN }), 'tiny');
    const dir = join(home, 'models', 'tiny');
    expect(readFileSync(join(dir, 'model.safetensors')).equals(weights.bytes)).toBe(true);
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(Object.values(llamaFiles(weights)).reduce((s, f) => s + f.bytes.length, 0));
    // The first lookup resolves "main"; everything after names the commit it resolved to.
    const hubUrls = hub.requests('hub').map((s) => s.url);
    expect(hubUrls[0]).toBe('/org/tiny/resolve/main/config.json');
    expect(hubUrls.slice(1).every((u) => u.startsWith(`/org/tiny/resolve/${COMMIT_A}/`))).toBe(true);
    expect(hub.requests('hub').every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const cdn = hub.requests('cdn');
    expect(cdn.map((s) => s.method)).toEqual(['GET']);
    expect(cdn[0].authorization).toBeUndefined();
    const rec = JSON.parse(readFileSync(join(dir, 'wukong-model.json'), 'utf8'));
    expect(rec.source).toEqual({ repo: 'org/tiny', revision: COMMIT_A });
    expect(rec.files.find((f: { path: string }) => f.path === 'model.safetensors')).toEqual({ path: 'model.safetensors', size: 300_000, sha256: sha256(weights.bytes) });
    expect(rec.files.find((f: { path: string }) => f.path === 'config.json').sha256).toBe(sha256(llamaFiles(weights)['config.json'].bytes));
    expect(existsSync(join(dir, '.wukong-download.json'))).toBe(false);
    const report = await registry(home).verify('tiny');
    expect(report).toMatchObject({ ok: true, revision: COMMIT_A });
    expect((await registry(home).list()).find((m) => m.id === 'tiny')).toMatchObject({ installed: true, source: { repo: 'org/tiny', revision: COMMIT_A } });
  });

  it('downloads again from the commit it pinned first, even after "main" has moved on', async () => {
    const home = tempHome();
    hub.addRepo('org/moving', { commit: COMMIT_A, files: llamaFiles(oldWeights) });
    const file = join(tempHome(), 'manifest.json');
    writeFileSync(file, JSON.stringify({ version: 1, mirror: hub.hubUrl, models: [{ id: 'moving', role: 'generator', name: 'm', description: 'm', source: { repo: 'org/moving', revision: null }, files: [...GENERATOR_FILES, { path: 'model.safetensors', size: null, sha256: null }] }] }));
    const r = registry(home, { manifestPath: file });
    await download(r, 'moving');
    hub.addRepo('org/moving', { commit: COMMIT_B, files: llamaFiles(weights), older: { [COMMIT_A]: llamaFiles(oldWeights) } });
    hub.reset();
    expect((await r.planDownload('moving')).revision).toBe(COMMIT_A);
    await download(r, 'moving');
    expect(hub.requests('hub').every((s) => s.url.startsWith(`/org/moving/resolve/${COMMIT_A}/`))).toBe(true);
    expect(readFileSync(join(home, 'models', 'moving', 'model.safetensors')).equals(oldWeights.bytes)).toBe(true);
    // A fresh install elsewhere pins what "main" is now.
    const other = tempHome();
    await download(registry(other, { manifestPath: file }), 'moving');
    expect((await registry(other, { manifestPath: file }).verify('moving')).revision).toBe(COMMIT_B);
  });

  it('resumes a partial file with a Range request', async () => {
    const home = tempHome();
    const partial = join(home, 'models', '.downloading-tiny');
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'model.safetensors.part'), weights.bytes.subarray(0, 123_456));
    await download(registry(home), 'tiny');
    expect(hub.requests('cdn').map((s) => s.range)).toEqual(['bytes=123456-']);
    expect(readFileSync(join(home, 'models', 'tiny', 'model.safetensors')).equals(weights.bytes)).toBe(true);
  });

  it('does not resume parts left by a download of another repo or commit', async () => {
    const home = tempHome();
    const partial = join(home, 'models', '.downloading-tiny');
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, '.wukong-download.json'), JSON.stringify({ repo: 'org/elsewhere', commit: COMMIT_B, fetched: [] }));
    writeFileSync(join(partial, 'model.safetensors.part'), Buffer.alloc(50_000, 0xee));
    await download(registry(home), 'tiny');
    expect(hub.requests('cdn').map((s) => s.range)).toEqual([undefined]);
    expect(readFileSync(join(home, 'models', 'tiny', 'model.safetensors')).equals(weights.bytes)).toBe(true);
  });

  it('starts over when the server answers a Range request with the whole file (200)', async () => {
    const home = tempHome();
    const partial = join(home, 'models', '.downloading-tiny');
    mkdirSync(partial, { recursive: true });
    // Bytes that are not the file's: appending the 200 body to them would fail the checksum.
    writeFileSync(join(partial, 'model.safetensors.part'), Buffer.alloc(50_000, 0xee));
    hub.faults.ignoreRange = true;
    await download(registry(home), 'tiny');
    expect(hub.requests('cdn').map((s) => s.range)).toEqual(['bytes=50000-']);
    expect(readFileSync(join(home, 'models', 'tiny', 'model.safetensors')).equals(weights.bytes)).toBe(true);
  });

  it('resumes after the connection drops mid-body, and gives up clearly after bounded retries', async () => {
    const home = tempHome();
    hub.faults.dropAfter = { bytes: 100_000, times: 2 };
    await download(registry(home), 'tiny');
    expect(hub.requests('cdn').map((s) => s.range)).toEqual([undefined, 'bytes=100000-', 'bytes=200000-']);
    expect(readFileSync(join(home, 'models', 'tiny', 'model.safetensors')).equals(weights.bytes)).toBe(true);

    const flaky = tempHome();
    hub.reset();
    hub.faults.dropAfter = { bytes: 10_000, times: 100 };
    const r = registry(flaky, { retry: { retries: 2, delayMs: 5 } });
    const err = await download(r, 'tiny').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('failed after 3 tries') });
    expect(hub.requests('cdn').length).toBe(3);
    // What arrived is kept, so running it again continues from there.
    expect(readFileSync(join(flaky, 'models', '.downloading-tiny', 'model.safetensors.part')).length).toBe(30_000);
    expect((await r.list()).find((m) => m.id === 'tiny')?.installed).toBe(false);
  });

  it('rejects a file whose sha256 is not the one the Hub gave, and deletes it', async () => {
    const home = tempHome();
    hub.faults.wrongSha256 = '0'.repeat(64);
    await expect(download(registry(home), 'tiny')).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(existsSync(join(home, 'models', '.downloading-tiny', 'model.safetensors.part'))).toBe(false);
    expect(existsSync(join(home, 'models', '.downloading-tiny', 'model.safetensors'))).toBe(false);
    expect(existsSync(join(home, 'models', 'tiny'))).toBe(false);
  });

  it('names the missing file on a 404', async () => {
    await expect(download(registry(tempHome()), 'missing-file')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('special_tokens_map.json was not found in org/tiny'),
    });
  });

  it('says a gated repo needs a token (401), and downloads it with one', async () => {
    const err = await download(registry(tempHome()), 'gated').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NO_ACCESS', message: expect.stringMatching(/gated.*HF_TOKEN/s) });
    const home = tempHome();
    await download(registry(home, { token: TOKEN }), 'gated');
    expect((await registry(home).verify('gated')).ok).toBe(true);
    expect(hub.requests('cdn').every((s) => s.authorization === undefined)).toBe(true);
  });

  it('learns the shards from the index file, then downloads and checks each', async () => {
    const home = tempHome();
    const { last } = await download(registry(home), 'sharded');
    const dir = join(home, 'models', 'sharded');
    expect(readFileSync(join(dir, 'model-00001-of-00002.safetensors')).equals(shards[0].bytes)).toBe(true);
    expect(readFileSync(join(dir, 'model-00002-of-00002.safetensors')).equals(shards[1].bytes)).toBe(true);
    // model.safetensors is not in the repo: its alternative, the index, was fetched instead.
    expect(hub.requests('hub', '/model.safetensors').length).toBe(1);
    expect(hub.requests('hub', '/model.safetensors.index.json').length).toBe(2);
    expect(last.done).toBe(last.total);
    expect(last.total).toBeGreaterThan(270_000);
    const rec = JSON.parse(readFileSync(join(dir, 'wukong-model.json'), 'utf8'));
    expect(rec.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']));
    expect((await registry(home).verify('sharded')).ok).toBe(true);
  });

  it('cancels mid-download, installs nothing, and resumes from the kept bytes next time', async () => {
    const home = tempHome();
    hub.faults.slowMs = 30;
    const controller = new AbortController();
    const r = registry(home);
    let seen = 0;
    const plan = await r.planDownload('tiny');
    const run = r.download(plan, {
      signal: controller.signal,
      onProgress: (done, _total, message) => {
        if (message.includes('model.safetensors') && (seen = done) > 200) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(join(home, 'models', 'tiny'))).toBe(false);
    const kept = readFileSync(join(home, 'models', '.downloading-tiny', 'model.safetensors.part')).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(weights.bytes.length);
    expect(seen).toBeGreaterThan(0);
    hub.reset();
    await download(r, 'tiny');
    expect(hub.requests('cdn').map((s) => s.range)).toEqual([`bytes=${kept}-`]);
    // Small files finished before the cancel are not fetched again.
    expect(hub.requests('hub').filter((s) => s.method === 'GET').map((s) => s.url)).toEqual([`/org/tiny/resolve/${COMMIT_A}/model.safetensors`]);
    expect((await r.verify('tiny')).ok).toBe(true);
  });

  it('runs the prepare hook on the finished files before installing, with its progress in the job', async () => {
    const home = tempHome();
    const calls: { dir: string; entry: unknown; installedYet: boolean; hasWeights: boolean; options: unknown }[] = [];
    const prepare: PrepareHook = async (dir, entry, report, _signal, options) => {
      calls.push({ dir, entry, installedYet: existsSync(join(home, 'models', 'tiny')), hasWeights: existsSync(join(dir, 'model.safetensors')), options });
      report('Building the ONNX graph', 1, 2);
      writeFileSync(join(dir, 'model.onnx'), 'graph');
      report('Building the ONNX graph', 2, 2);
    };
    const { messages } = await download(registry(home, { prepare }), 'tiny');
    expect(calls).toEqual([{ dir: join(home, 'models', '.downloading-tiny'), entry: { id: 'tiny', role: 'generator' }, installedYet: false, hasWeights: true, options: {} }]);
    expect(messages.at(-1)).toBe('Building the ONNX graph');
    expect(readFileSync(join(home, 'models', 'tiny', 'model.onnx'), 'utf8')).toBe('graph');
    expect((await registry(home).verify('tiny')).ok).toBe(true);

    const failing = tempHome();
    const broken: PrepareHook = async () => {
      throw new Error('unsupported rope scaling');
    };
    await expect(download(registry(failing, { prepare: broken }), 'tiny')).rejects.toThrow('unsupported rope scaling');
    expect(existsSync(join(failing, 'models', 'tiny'))).toBe(false);
  });

  it('prepares a generator installed from a folder, passing the precision through', async () => {
    const folder = join(tempHome(), 'My-Llama');
    mkdirSync(folder);
    for (const [path, file] of Object.entries(llamaFiles(lfs(1_000)))) writeFileSync(join(folder, path), file.bytes);
    const seen: unknown[] = [];
    const prepare: PrepareHook = async (dir, entry, _report, _signal, options) => void seen.push({ entry, options, weights: existsSync(join(dir, 'model.safetensors')) });
    const model = await registry(tempHome(), { prepare }).installFromFolder(folder, undefined, { precision: 'int4' });
    expect(model).toMatchObject({ id: 'my-llama', role: 'generator', installed: true, precision: 'int4' });
    expect(seen).toEqual([{ entry: { id: 'my-llama', role: 'generator' }, options: { precision: 'int4' }, weights: true }]);
  });
});
