/**
 * The whole app for real: web mode in Chromium on a fresh service home, a real paper from
 * ../shared/corpus parsed and indexed, an extractive answer with citations, and the cited unit's
 * lines highlighted where the evidence says they are.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskEvent, Evidence, WukongService } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import type { WebServer } from '../../web/server.js';
import { ask, boxesMatch, hasChromium, highlightBoxes, openApp, root, screenshot, type AppSession, type Browser } from './harness.js';

const PAPER = join(root, '..', 'shared', 'corpus', 'lme4_lmer.pdf');
const QUESTION = process.env.WUKONG_E2E_QUESTION ?? 'How are the random effects and their covariance matrix modelled?';

describe.skipIf(!hasChromium || !existsSync(PAPER))('app (web mode, real service, lme4_lmer.pdf)', () => {
  let home: string;
  let service: WukongService;
  let app: AppSession;
  let server: WebServer;
  let browser: Browser;
  let errors: string[];
  let asks: AskEvent[][];
  let events: AskEvent[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'wk-e2e-home-'));
    service = await createService({ home });
    app = await openApp(service);
    ({ server, browser, errors, asks } = app);
  });

  afterAll(async () => {
    await app?.close();
    await service?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('opens the paper and shows indexing progress until it is ready', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.locator('wk-app input[type=file]').setInputFiles(PAPER);
    await page.locator('wk-library progress').first().waitFor({ timeout: 30_000 });
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor({ timeout: 30_000 });
    await page.locator('wk-library li[data-status="ready"]').waitFor({ timeout: 180_000 });
    expect(await page.locator('wk-library li[data-status="ready"] .meta').textContent()).toMatch(/\d+ pages/);
  }, 240_000);

  it('answers with citations, and a citation shows its page with the exact lines highlighted', async () => {
    const { page } = browser;
    events = await ask(page, asks, QUESTION);
    const done = events.find((e): e is Extract<AskEvent, { type: 'done' }> => e.type === 'done');
    expect(done, JSON.stringify(events.filter((e) => e.type === 'error'))).toBeDefined();
    expect(done!.answer.citations.length).toBeGreaterThan(0);
    const evidence = (events.find((e) => e.type === 'evidence') as { evidence: Evidence[] }).evidence;
    const cited = done!.answer.citations[0];
    const item = evidence.find((e) => e.unitId === cited.unitId)!;
    expect(item).toBeDefined();

    await page.locator(`wk-ask .cite[data-cite="${cited.n}"]`).first().click();
    await page.locator(`wk-viewer .highlight[data-unit-id="${item.unitId}"]`).first().waitFor();
    expect(await page.locator('wk-viewer input[aria-label="Page number"]').inputValue()).toBe(String(item.page));
    await page.locator(`wk-viewer .page[data-page-number="${item.page}"][data-rendered]`).waitFor();
    // Only the quoted sentences are outlined; the rest of the unit is tinted.
    expect(cited.spans?.length).toBeGreaterThan(0);
    const { actual, expected } = await highlightBoxes(page, item, cited.spans);
    expect(actual.length).toBeGreaterThan(0);
    expect(actual.length).toBeLessThan(item.lineRects.length + (item.continuation?.flatMap((c) => c.lineRects).length ?? 0) + 1);
    expect(boxesMatch(actual, expected), JSON.stringify({ actual, expected })).toBe(true);
    const scroller = (await page.locator('wk-viewer .scroller').boundingBox())!;
    expect(actual[0].y).toBeGreaterThanOrEqual(scroller.y - 1);
    expect(actual[0].y).toBeLessThanOrEqual(scroller.y + scroller.height);

    // The paper's own links work: an internal one (a citation, a section reference) scrolls the viewer.
    const link = page.locator(`wk-viewer .page[data-page-number="${item.page}"] .linkLayer a[data-internal]`).first();
    await link.waitFor({ timeout: 10_000 });
    const scrollTop = () => page.locator('wk-viewer .scroller').evaluate((el) => (el as { scrollTop: number }).scrollTop);
    const before = await scrollTop();
    await link.click();
    await expect.poll(scrollTop).not.toBe(before);
    await page.locator(`wk-ask .cite[data-cite="${cited.n}"]`).first().click();
    // Each evidence item is headed by its own (deepest) section; the whole path is its tooltip.
    const head = page.locator(`wk-evidence .item[data-rank="${item.rank}"] .section`);
    expect(await head.textContent()).toBe(item.section.at(-1) ?? item.kind);
    expect(await head.getAttribute('title')).toBe(item.section.join(' › '));

    // Question first in the picture: the panel had scrolled to the end of the answer.
    await page.locator('wk-ask .turns').evaluate((el) => void ((el as { scrollTop: number }).scrollTop = 0));
    const shot = await screenshot(page, 'e2e-real-answer.png');
    if (process.env.WUKONG_DOCS_SCREENSHOT) {
      await mkdir(join(root, 'docs'), { recursive: true });
      await copyFile(shot, join(root, 'docs', 'screenshot.png'));
    }
  }, 180_000);

  it('removes a failed document and its stored copy, from the problem view and from the library list', async () => {
    const { page } = browser;
    const paper = await readFile(PAPER);
    const problem = page.locator('wk-viewer wk-doc-problem');
    const failed = (name: string) => page.locator('wk-library li[data-status="failed"]', { hasText: name });
    // Cut short: the cross-reference data at the end is gone, so the parse fails with CORRUPT_PDF.
    for (const name of ['cut-short', 'chopped']) {
      const bytes = paper.subarray(0, name === 'cut-short' ? 200_000 : 100_000);
      await page.locator('wk-app input[type=file]').setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: bytes });
      await failed(name).waitFor({ timeout: 60_000 });
    }
    const copies = async (): Promise<number> => (await readdir(join(home, 'library'))).filter((n) => /^[0-9a-f]{64}$/.test(n)).length;
    expect(await copies()).toBe(3);

    await page.locator('wk-library li button.open', { hasText: 'cut-short' }).click();
    await expect.poll(() => problem.locator('h2').textContent()).toContain('could not be read');
    page.once('dialog', (d) => void d.accept());
    await problem.locator('button.remove').click();
    await failed('cut-short').waitFor({ state: 'detached' });
    await expect.poll(copies).toBe(2);

    const remove = failed('chopped').locator('button.remove');
    expect(await remove.textContent()).toBe('Remove');
    page.once('dialog', (d) => void d.accept());
    await remove.click();
    await failed('chopped').waitFor({ state: 'detached' });
    await expect.poll(copies).toBe(1);
    expect(await page.locator('wk-library li[data-status="ready"]').count()).toBe(1);
  }, 120_000);

  it('logged no page errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e)), errors.join('\n')).toEqual([]);
  });
});
