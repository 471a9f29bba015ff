/**
 * `wukong models` over the shipped manifest, with the Hub imitated locally (WUKONG_MODEL_MIRROR):
 * the recommended generators with size, RAM and licence; download progress as plain lines when
 * stderr is not a terminal, a redrawn bar when it is; --json unchanged; install --precision.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { downloadReporter, formatBar, RateMeter } from '../../cli/progress-bar.js';
import { FakeHub, lfs, small } from '../helpers/fake-hub.js';
import { runCli, tempHome } from '../helpers/cli.js';

const COMMIT = 'c'.repeat(40);
const TINY = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'tiny-llama');
const tiny = (name: string, lfsFile = false) => ({ bytes: readFileSync(join(TINY, name)), lfs: lfsFile });

// The Hub serves a real (tiny) model, so the download ends as it does for a person: its graph built, ready to answer.
describe.skipIf(!existsSync(TINY))('wukong models download / list / install (Hub imitation)', () => {
  const hub = new FakeHub();
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await hub.start();
    hub.addRepo('HuggingFaceTB/SmolLM2-360M-Instruct', {
      commit: COMMIT,
      files: {
        'config.json': tiny('config.json'),
        'generation_config.json': tiny('generation_config.json'),
        'tokenizer.json': tiny('tokenizer.json'),
        'tokenizer_config.json': tiny('tokenizer_config.json'),
        'model.safetensors': tiny('model.safetensors', true),
      },
    });
    env = { WUKONG_MODEL_MIRROR: hub.hubUrl };
  });
  afterAll(() => hub.stop());

  it('lists the recommended generators with size, RAM and licence', async () => {
    const r = await runCli(['models', 'list', '--json']);
    const models = JSON.parse(r.out) as { id: string; recommended?: boolean; sizeBytes: number; ramBytes?: number; licence?: string; source?: { repo: string } }[];
    const recommended = models.filter((m) => m.recommended).map((m) => m.source?.repo);
    expect(recommended).toEqual(expect.arrayContaining(['Qwen/Qwen2.5-0.5B-Instruct', 'Qwen/Qwen2.5-1.5B-Instruct', 'Qwen/Qwen3-1.7B', 'HuggingFaceTB/SmolLM2-360M-Instruct']));
    for (const m of models.filter((x) => x.recommended)) {
      expect(m.sizeBytes).toBeGreaterThan(1e8);
      expect(m.ramBytes).toBeGreaterThan(m.sizeBytes / 4);
      expect(m.licence).toBe('apache-2.0');
    }
    const text = (await runCli(['models', 'list'])).out;
    expect(text).toMatch(/qwen2\.5-0\.5b-instruct\s+generator\s+recommended\s+~995\.0 MB\s+~1\.50 GB\s+apache-2\.0/);
  });

  it('downloads with progress lines on a pipe, then lists it installed from the commit it pinned', async () => {
    const home = tempHome();
    const r = await runCli(['models', 'download', 'smollm2-360m-instruct'], { ...env, WUKONG_HOME: home });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('downloaded and verified smollm2-360m-instruct');
    const lines = r.err.trim().split('\n');
    expect(lines).toContain('100% 8.6 MB / 8.6 MB');
    expect(lines.at(-1)).toMatch(/^Building the model graph/);
    expect(lines.length).toBeLessThanOrEqual(20);
    const listed = JSON.parse((await runCli(['models', 'list', '--json'], { WUKONG_HOME: home })).out);
    expect(listed.find((m: { id: string }) => m.id === 'smollm2-360m-instruct')).toMatchObject({ installed: true, source: { revision: COMMIT } });
    expect((await runCli(['models', 'verify', 'smollm2-360m-instruct'], { WUKONG_HOME: home })).code).toBe(0);
    // The graph was built during the download: the model generates at once.
    expect(existsSync(join(home, 'models', 'smollm2-360m-instruct', 'onnx'))).toBe(true);
    const gen = await runCli(['generate', '--model', 'smollm2-360m-instruct', '--ids', '1,2,3', '--max-tokens', '3', '--json'], { WUKONG_HOME: home });
    expect(gen.code, gen.err).toBe(0);
    expect(JSON.parse(gen.out).ids).toHaveLength(3);
  });

  it('keeps --json output machine-readable, and errors there too', async () => {
    const r = await runCli(['models', 'download', 'smollm2-360m-instruct', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'download', state: 'done', modelId: 'smollm2-360m-instruct' });
    expect(r.err).toBe('');
    const absent = await runCli(['models', 'download', 'qwen3-1.7b', '--json'], env);
    expect(absent.code).toBe(1);
    expect(JSON.parse(absent.out).error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('config.json was not found in Qwen/Qwen3-1.7B') });
  });

  it('checks --precision and documents it in --help', async () => {
    const help = await runCli(['models', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--precision fp32|fp16|int8|int4');
    const bad = await runCli(['models', 'install', tempHome(), '--precision', 'int3']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--precision must be one of fp32, fp16, int8, int4');
  });
});

describe('download progress display', () => {
  const job = (done: number, message = 'Downloading x', bytes = true): JobInfo =>
    ({ id: 'j', kind: 'download', state: 'running', done, total: 1_000_000_000, message, startedAt: '', ...(bytes ? { unit: 'bytes' as const } : {}) });

  it('draws a bar with bytes, percent and rate', () => {
    expect(formatBar(450e6, 1e9, 12.4e6, 20)).toBe('[#########...........]  45%  450.0 MB / 1.00 GB  12.4 MB/s');
    let t = 0;
    const meter = new RateMeter(5_000, () => t);
    expect(meter.add(0)).toBeNull();
    t = 1_000;
    expect(meter.add(10e6)).toBe(10e6);
    t = 2_000;
    expect(meter.add(0)).toBeNull(); // started over: no rate until there is a new span
  });

  it('redraws on a terminal, and writes one line per tenth or phase otherwise', () => {
    const tty: string[] = [];
    const onTty = downloadReporter(true, (l) => tty.push(l));
    onTty(job(1e8));
    onTty(job(2e8));
    expect(tty.length).toBe(2);
    expect(tty[1]).toMatch(/^\[#{5}\.{19}\] {2}20% {2}200\.0 MB \/ 1\.00 GB/);
    const plain: string[] = [];
    const onPipe = downloadReporter(false, (l) => plain.push(l));
    for (let i = 0; i <= 100; i++) onPipe(job(i * 1e7));
    onPipe({ ...job(1, 'Building the graph: layer 1 of 2', false), total: 2 });
    onPipe({ ...job(1, 'Building the graph: layer 1 of 2', false), total: 2 });
    const tenths = Array.from({ length: 9 }, (_, i) => `${(i + 1) * 10}% ${(i + 1) * 100}.0 MB / 1.00 GB`);
    expect(plain).toEqual(['0% 0 B / 1.00 GB', ...tenths, '100% 1.00 GB / 1.00 GB', 'Building the graph: layer 1 of 2']);
  });

  it('reports a service download job with byte progress, and cancels it', async () => {
    const hub = await new FakeHub().start();
    try {
      hub.addRepo('HuggingFaceTB/SmolLM2-360M-Instruct', {
        commit: COMMIT,
        files: { 'config.json': small('{}'), 'generation_config.json': small('{}'), 'tokenizer.json': small('{}'), 'tokenizer_config.json': small('{}'), 'model.safetensors': lfs(3_000_000) },
      });
      hub.faults.slowMs = 20;
      const service = await createService({ home: tempHome(), hub: { mirror: hub.hubUrl } });
      const events: JobInfo[] = [];
      service.onEvent((e) => e.type === 'job' && events.push(e.job));
      const job = await service.downloadModel('smollm2-360m-instruct');
      expect((await service.downloadModel('smollm2-360m-instruct')).id).toBe(job.id);
      await expect.poll(() => events.some((e) => e.unit === 'bytes' && e.done > 100_000), { timeout: 10_000 }).toBe(true);
      await service.cancelJob(job.id);
      const end = await service.waitForJob(job.id);
      expect(end).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
      expect((await service.listModels()).find((m) => m.id === 'smollm2-360m-instruct')?.installed).toBe(false);
      await service.close();
    } finally {
      await hub.stop();
    }
  });
});
