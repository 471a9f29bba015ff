/**
 * Web mode over a real service: a question's answer and the open document are still there after
 * the page is reloaded, and after the service itself is restarted on the same data folder (the
 * app's conversation and open document live in the library database, not in the window).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WukongService } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { makePdf } from '../helpers/pdf.js';
import { ask, CHROMIUM, openApp, type AppSession } from './harness.js';

const QUESTION = 'How many subjects were in the sleepstudy?';

describe.skipIf(!existsSync(CHROMIUM))('app (web mode): the conversation and the open document survive reloads', () => {
  let home: string;
  let service: WukongService;
  let app: AppSession;
  let docId = '';

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'wk-e2e-reload-'));
    service = await createService({ home });
    app = await openApp(service);
  });

  afterAll(async () => {
    await app?.close();
    await service?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** What a person sees of the conversation: the questions and the answers' text, in order. */
  const turns = (page: AppSession['browser']['page']) =>
    page.locator('wk-ask article.turn').evaluateAll((els) => els.map((el) => [el.querySelector('.question')?.textContent ?? '', el.querySelector('.answer')?.textContent ?? '', el.getAttribute('data-state')]));

  it('asks about a document', async () => {
    const { page } = app.browser;
    const pdf = join(home, 'sleep.pdf');
    await writeFile(pdf, await makePdf([['Linear mixed models add random effects to the fixed effects of a linear model.'], ['The sleepstudy data record the reaction times of eighteen subjects over ten days of sleep deprivation.']]));
    await page.goto(app.server.url);
    await page.locator('wk-app input[type=file]').setInputFiles(pdf);
    await page.locator('wk-library li[data-status="ready"]').waitFor({ timeout: 60_000 });
    docId = (await page.locator('wk-library li[aria-current="true"]').getAttribute('data-doc-id'))!;
    const events = await ask(page, app.asks, QUESTION);
    expect(events.some((e) => e.type === 'done')).toBe(true);
    expect(await turns(page)).toEqual([[QUESTION, expect.stringContaining('eighteen subjects'), 'done']]);
  }, 120_000);

  it('shows the document and the answer again after a page reload', async () => {
    const { page } = app.browser;
    const before = await turns(page);
    await page.reload();
    await page.locator(`wk-library li[aria-current="true"][data-doc-id="${docId}"]`).waitFor({ timeout: 30_000 });
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor({ timeout: 30_000 });
    await page.locator('wk-ask article.turn[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await turns(page)).toEqual(before);
    // Its citations still work: the chip shows the cited page.
    await page.locator('wk-ask .cite').first().click();
    await page.locator('wk-viewer .highlight').first().waitFor({ timeout: 30_000 });
    // A follow-up goes into the same stored conversation.
    await ask(page, app.asks, 'Over how many days?');
    const [stored] = await service.listConversations({ docIds: [docId] });
    expect(stored).toMatchObject({ turnCount: 2, title: QUESTION });
  }, 120_000);

  it('shows them again after the service restarts on the same data folder', async () => {
    const before = await turns(app.browser.page);
    await app.close();
    await service.close();
    service = await createService({ home });
    app = await openApp(service);
    const { page } = app.browser;
    await page.goto(app.server.url);
    await page.locator(`wk-library li[aria-current="true"][data-doc-id="${docId}"]`).waitFor({ timeout: 30_000 });
    await page.locator('wk-ask article.turn[data-state="done"]').nth(1).waitFor({ timeout: 30_000 });
    expect(await turns(page)).toEqual(before);
  }, 120_000);

  it('Clear deletes the conversation from the library, so a reload shows none', async () => {
    const { page } = app.browser;
    await page.locator('wk-ask button.clear').click();
    await expect.poll(() => page.locator('wk-ask article.turn').count()).toBe(0);
    await expect.poll(() => service.listConversations({ docIds: [docId] })).toEqual([]);
    await page.reload();
    await page.locator(`wk-library li[aria-current="true"][data-doc-id="${docId}"]`).waitFor({ timeout: 30_000 });
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor({ timeout: 30_000 });
    expect(await page.locator('wk-ask article.turn').count()).toBe(0);
    // The next question starts a new stored conversation.
    await ask(page, app.asks, QUESTION);
    expect(await service.listConversations({ docIds: [docId] })).toEqual([expect.objectContaining({ turnCount: 1 })]);
    expect(app.errors.filter((e) => !/favicon/.test(e)), app.errors.join('\n')).toEqual([]);
  }, 120_000);
});
