/**
 * The models page in Chromium (web mode, fake service): recommended models with size and RAM,
 * a download showing its progress and then cancelled, choosing a model, importing a folder by path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../core/api.js';
import { createFakeService, type FakeService } from '../web/fake-service.js';
import { hasChromium, openApp, screenshot, type AppSession } from './harness.js';

const generator = (id: string, name: string, sizeBytes: number, ramBytes: number): ModelInfo => ({
  id, role: 'generator', name, description: 'Safetensors weights from the Hub; the app builds its ONNX graph after the download.',
  sizeBytes, ramBytes, licence: 'apache-2.0', approx: true, recommended: true, installed: false, selected: false, builtin: false,
  source: { repo: `Qwen/${name.replace(/ /g, '-')}` },
});

const MODELS: ModelInfo[] = [
  generator('qwen2.5-0.5b-instruct', 'Qwen2.5 0.5B Instruct', 995_000_000, 1_500_000_000),
  generator('qwen3-1.7b', 'Qwen3 1.7B', 4_075_000_000, 3_000_000_000),
  { id: 'use-lite-en', role: 'embedder', name: 'Universal Sentence Encoder lite (English)', description: 'Built in.', sizeBytes: 0, installed: true, selected: true, builtin: true },
];

describe.skipIf(!hasChromium)('models page (web mode, fake service)', () => {
  let service: FakeService;
  let app: AppSession;

  beforeAll(async () => {
    service = createFakeService({ models: MODELS, steps: 60, stepMs: 150 });
    app = await openApp(service);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists recommended models with size, RAM and licence', async () => {
    const { page } = app.browser;
    await page.goto(app.server.url);
    await page.locator('wk-library button.models').click();
    const row = page.locator('wk-models tr[data-model-id="qwen2.5-0.5b-instruct"]');
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[1]).toMatch(/^~995 MB$/);
    expect(cells[2]).toMatch(/^~1\.5 GB$/);
    expect(cells[3]).toBe('apache-2.0');
    expect(await page.locator('wk-models tr[data-model-id="use-lite-en"] .selected').innerText()).toBe('In use');
  });

  it('downloads with progress, then cancels', async () => {
    const { page } = app.browser;
    const row = page.locator('wk-models tr[data-model-id="qwen2.5-0.5b-instruct"]');
    await row.locator('button.download').click();
    await expect.poll(async () => Number(await row.locator('progress').getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await row.locator('.job').innerText()).toMatch(/MB of ~?995 MB — Downloading qwen2\.5-0\.5b-instruct/);
    await screenshot(page, 'models-download.png');
    await row.locator('button.cancel').click();
    await row.locator('button.download').waitFor({ timeout: 10_000 });
    expect(await row.locator('progress').count()).toBe(0);
    const jobs = await service.listJobs();
    expect(jobs.find((j) => j.modelId === 'qwen2.5-0.5b-instruct')).toMatchObject({ state: 'cancelled' });
    expect(app.errors).toEqual([]);
  });

  it('imports a folder by path with the chosen precision, and shows why it failed', async () => {
    const { page } = app.browser;
    await page.locator('wk-models input.path').fill('/nowhere/Qwen2.5-0.5B-Instruct');
    await page.locator('wk-models select').selectOption('int8');
    await page.locator('wk-models button.install').click();
    await expect.poll(() => page.locator('wk-models .message').innerText().catch(() => '')).toBe('Folder not found: /nowhere/Qwen2.5-0.5B-Instruct');
    expect(service.installs).toEqual([['/nowhere/Qwen2.5-0.5B-Instruct', undefined, { precision: 'int8' }]]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('wk-models').count()).toBe(0);
  });
});
