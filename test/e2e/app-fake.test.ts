/**
 * The app in Chromium against web mode with the in-memory fake service: checks the UI itself
 * (open, progress, streaming answer, citation -> page + highlight, find, thumbnails, theme)
 * with evidence whose rectangles are known exactly, independent of the parser and retriever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../core/api.js';
import type { WebServer } from '../../web/server.js';
import { createFakeService, type FakeService } from '../web/fake-service.js';
import { makeEncryptedPdf } from '../pdf/make-pdf.js';
import { makeFixturePdf, type FixturePdf } from './fixture-pdf.js';
import type { AskEvent } from '../../core/api.js';
import type { Page } from 'playwright-core';
import { WukongError } from '../../core/errors.js';
import { ask, boxesMatch, hasChromium, highlightBoxes, openApp, screenshot, type AppSession, type Browser } from './harness.js';

const statusText = (page: Page): Promise<string> => page.locator('wk-app div.status[role="status"]').innerText().then((t) => t.trim());

describe.skipIf(!hasChromium)('app (web mode, fake service)', () => {
  let fixture: FixturePdf;
  let service: FakeService;
  let app: AppSession;
  let server: WebServer;
  let browser: Browser;
  let errors: string[];
  let asks: AskEvent[][];
  let stoppedOnce = false;

  beforeAll(async () => {
    fixture = await makeFixturePdf(500);
    service = createFakeService({
      steps: 5,
      stepMs: 250,
      // By file name: a damaged file, a password-protected one, and one whose first reading is stopped.
      outcome: (name, opts) => {
        if (name.startsWith('truncated')) return new WukongError('CORRUPT_PDF').toJSON();
        if (name.startsWith('encrypted') && opts.password !== 'secret') return new WukongError('ENCRYPTED').toJSON();
        if (name.startsWith('stopped') && !stoppedOnce) return (stoppedOnce = true), new WukongError('CANCELLED').toJSON();
        return undefined;
      },
      evidence: [
        { rank: 1, unitId: 'u0007', kind: 'paragraph', page: 2, bbox: [72, 150, 500, 198], lineRects: fixture.lineRects, text: fixture.text, section: ['2 Models', '2.1 Random effects'], score: 3, tokens: 40 },
        { rank: 2, unitId: 'u0009', kind: 'figure', page: 2, bbox: fixture.figureBox, lineRects: [fixture.figureBox], text: '', label: 'Figure 1', section: ['2 Models'], score: 2, tokens: 10 },
      ],
    });
    app = await openApp(service);
    ({ server, browser, errors, asks } = app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens a PDF, shows indexing progress, renders pages lazily', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await expect.poll(() => new URL(page.url()).hash).toBe(''); // the token leaves the address bar
    await page.locator('wk-app input[type=file]').setInputFiles({ name: 'fixture.pdf', mimeType: 'application/pdf', buffer: Buffer.from(fixture.bytes) });
    await page.locator('wk-library progress.job-progress').waitFor({ timeout: 10_000 });
    await page.locator('wk-library li[data-status="ready"]').waitFor({ timeout: 20_000 });
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor();
    expect(await page.locator('wk-viewer .page').count()).toBe(500);
    // Lazily: only pages near the view are drawn, however long the file.
    expect(await page.locator('wk-viewer .page[data-page-number="500"][data-rendered]').count()).toBe(0);
    expect(await page.locator('wk-viewer .page[data-rendered]').count()).toBeLessThanOrEqual(12);
    expect(await page.locator('wk-viewer .page[data-page-number="1"] .textLayer span').count()).toBeGreaterThan(0);
  });

  it('streams an answer with citation chips and highlights the cited lines', async () => {
    const { page } = browser;
    const events = await ask(page, asks, 'What are random effects?');
    const evidence = (events.find((e) => e.type === 'evidence') as { evidence: Evidence[] }).evidence;
    expect(await page.locator('wk-ask .cite').count()).toBe(2);
    await page.locator('wk-ask .cite[data-cite="1"]').click();
    const hl = page.locator('wk-viewer .highlight[data-unit-id="u0007"]');
    await hl.first().waitFor();
    expect(await page.locator('wk-viewer input[aria-label="Page number"]').inputValue()).toBe('2');
    await expect.poll(() => statusText(page)).toBe('fixture — Page 2 — 2 Models › 2.1 Random effects');
    const { actual, expected } = await highlightBoxes(page, evidence[0]);
    expect(actual.length).toBe(3);
    expect(boxesMatch(actual, expected), JSON.stringify({ actual, expected })).toBe(true);
    // The highlight is on screen.
    const scroller = (await page.locator('wk-viewer .scroller').boundingBox())!;
    expect(actual[0].y).toBeGreaterThanOrEqual(scroller.y);
    expect(actual[0].y + actual[0].height).toBeLessThanOrEqual(scroller.y + scroller.height);
    await screenshot(page, 'e2e-fake-citation.png');
  });

  it('asks the whole library in a conversation of its own and back', async () => {
    const { page } = browser;
    const paperTurns = await page.locator('wk-ask article.turn').count();
    await page.getByRole('radio', { name: 'Whole library' }).check();
    await expect.poll(() => page.locator('wk-ask article.turn').count()).toBe(0);
    await ask(page, asks, 'Which papers discuss random effects?');
    expect(service.calls).toContain('ask:[library] Which papers discuss random effects?');
    expect(await page.locator('wk-ask article.turn').count()).toBe(1);
    // A citation opens its document and highlights there; the library conversation stays.
    await page.locator('wk-ask .cite[data-cite="1"]').first().click();
    await page.locator('wk-viewer .highlight[data-unit-id="u0007"]').first().waitFor();
    expect(await page.locator('wk-ask article.turn').count()).toBe(1);
    await page.getByRole('radio', { name: 'This paper' }).check();
    await expect.poll(() => page.locator('wk-ask article.turn').count()).toBe(paperTurns);
  });

  it('shows a figure evidence item as a thumbnail and highlights its region', async () => {
    const { page } = browser;
    const item = page.locator('wk-evidence button.item[data-unit-id="u0009"]');
    await item.locator('img').waitFor();
    await item.click();
    const hl = page.locator('wk-viewer .highlight.figure[data-unit-id="u0009"]');
    await hl.waitFor();
    const { actual, expected } = await highlightBoxes(page, { rank: 2, docId: '', unitId: 'u0009', kind: 'figure', page: 2, bbox: fixture.figureBox, lineRects: [fixture.figureBox], text: '', section: [], score: 0, tokens: 0 });
    expect(boxesMatch(actual, expected)).toBe(true);
    expect(await page.locator('wk-viewer .highlight[data-unit-id="u0007"]').count()).toBe(0);
  });

  it('shows "not answerable", cancels a slow answer, and keeps a conversation per document', async () => {
    const { page } = browser;
    await ask(page, asks, 'Something unanswerable?');
    await page.locator('wk-ask [data-state="not-answerable"]').waitFor();

    const box = page.locator('wk-ask textarea');
    await box.fill('Answer this slowly please');
    await box.press('Enter');
    await page.locator('wk-ask article.turn[data-state="streaming"]').waitFor();
    await page.locator('wk-ask button.cancel').click();
    await page.locator('wk-ask article.turn[data-state="cancelled"]').waitFor();
    await expect.poll(() => service.lastAskSignal?.aborted).toBe(true);
    expect(await page.locator('wk-ask article.turn').count()).toBe(3);

    // A second document starts with an empty conversation; the first keeps its own.
    const other = await makeFixturePdf(3);
    await page.locator('wk-app input[type=file]').setInputFiles({ name: 'other.pdf', mimeType: 'application/pdf', buffer: Buffer.from(other.bytes) });
    await page.locator('wk-library li[aria-current="true"] .title', { hasText: 'other' }).waitFor();
    expect(await page.locator('wk-ask article.turn').count()).toBe(0);
    // The status bar describes the document on screen, not the citation shown in the previous one.
    await expect.poll(() => statusText(page)).toBe('other — Page 1');
    await expect.poll(() => page.locator('wk-viewer .toolbar [aria-live]').textContent()).toBe('/ 3');
    await page.locator('wk-library li[aria-current="true"][data-status="ready"]').waitFor({ timeout: 20_000 });
    page.once('dialog', (d) => void d.accept());
    await page.locator('wk-library li[aria-current="true"] button.remove').click();
    await expect.poll(() => page.locator('wk-library li').count()).toBe(1);
    await expect.poll(() => statusText(page)).toBe('');
    expect(await page.locator('wk-viewer .toolbar [aria-live]').textContent()).toBe('/ 0');
    await page.locator('wk-library li button.open').click();
    await expect.poll(() => page.locator('wk-ask article.turn').count()).toBe(3);
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor();
    // Figure crops are drawn again from the reopened file.
    await page.locator('wk-evidence button.item[data-unit-id="u0009"] img').first().waitFor();
  });

  it('finds text, zooms, navigates, and takes the shortcuts', async () => {
    const { page } = browser;
    await page.keyboard.press('Control+f');
    const find = page.locator('wk-viewer .findbar input');
    await expect.poll(() => find.evaluate((el) => (el as { matches(s: string): boolean }).matches(':focus'))).toBe(true);
    await find.fill('page 437');
    await find.press('Enter');
    // The status reads "Searching… page 437" while the search passes that page; wait for the finished
    // search's own line, however long a loaded machine takes to read 500 pages of text.
    await expect.poll(() => page.locator('wk-viewer .find-status').textContent(), { timeout: 60_000 }).toMatch(/^\d+ of \d+ matches — page 437$/);
    await expect.poll(() => page.locator('wk-viewer input[aria-label="Page number"]').inputValue()).toBe('437');
    await page.locator('wk-viewer .page[data-page-number="437"] .find-hit').first().waitFor();
    // Just the matched words are marked, and Enter steps match by match ("Page 437 heading", "... on page 437 about").
    const marks = page.locator('wk-viewer .page[data-page-number="437"] mark.find-hit');
    expect(await marks.count()).toBe(2);
    expect((await marks.first().textContent())?.toLowerCase()).toBe('page 437');
    await expect.poll(() => page.locator('wk-viewer .find-status').textContent()).toContain('1 of 2');
    await find.press('Enter');
    await expect.poll(() => page.locator('wk-viewer .find-status').textContent()).toContain('2 of 2');
    await expect.poll(() => marks.nth(1).getAttribute('class')).toContain('current');
    await find.press('Shift+Enter');
    await expect.poll(() => marks.first().getAttribute('class')).toContain('current');
    await expect.poll(() => statusText(page)).toBe('fixture — Page 437');

    const before = Number(await page.locator('wk-viewer .page[data-page-number="1"]').getAttribute('data-scale'));
    await page.locator('wk-viewer button[aria-label="Zoom in"]').click();
    const after = Number(await page.locator('wk-viewer .page[data-page-number="1"]').getAttribute('data-scale'));
    expect(after).toBeCloseTo(before * 1.2, 3);
    // Ctrl+= and Ctrl+- zoom the PDF the same steps.
    const scale = () => page.locator('wk-viewer .page[data-page-number="1"]').getAttribute('data-scale').then(Number);
    await page.keyboard.press('Control+=');
    await expect.poll(scale).toBeCloseTo(after * 1.2, 3);
    await page.keyboard.press('Control+-');
    await expect.poll(scale).toBeCloseTo(after, 3);
    await page.locator('wk-viewer button[aria-label="Fit width"]').click();

    await page.locator('wk-viewer button[aria-label="Toggle thumbnails"]').click();
    await page.locator('wk-viewer .thumb[data-page="5"]').click();
    await expect.poll(() => page.locator('wk-viewer input[aria-label="Page number"]').inputValue()).toBe('5');
    await expect.poll(() => statusText(page)).toBe('fixture — Page 5');

    await page.keyboard.press('Escape');
    await page.locator('wk-viewer .scroller').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+l');
    await expect.poll(() => page.locator('wk-ask textarea').evaluate((el) => (el as { matches(s: string): boolean }).matches(':focus'))).toBe(true);
  });

  it('folds the side panels away under 1,000 px and shows them over the PDF on demand', async () => {
    const { page } = browser;
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 900, height: 700 });
    try {
      const library = page.locator('wk-library');
      const ask = page.locator('wk-ask');
      await expect.poll(() => library.isVisible()).toBe(false);
      expect(await ask.isVisible()).toBe(false);
      // The PDF takes the whole width.
      expect((await page.locator('wk-viewer').boundingBox())!.width).toBeGreaterThan(880);
      await page.getByRole('button', { name: 'Library' }).click();
      await expect.poll(() => library.isVisible()).toBe(true);
      await page.locator('wk-viewer .scroller').click({ position: { x: 600, y: 300 } });
      await page.keyboard.press('Control+l');
      await expect.poll(() => ask.isVisible()).toBe(true);
      expect(await library.isVisible()).toBe(false);
      await expect.poll(() => page.locator('wk-ask textarea').evaluate((el) => (el as { matches(s: string): boolean }).matches(':focus'))).toBe(true);
      await screenshot(page, 'e2e-fake-narrow.png');
    } finally {
      await page.setViewportSize(size);
    }
    await expect.poll(() => page.locator('wk-library').isVisible()).toBe(true);
  });

  it('follows a dark OS theme', async () => {
    const { page } = browser;
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(27, 29, 33)');
    await screenshot(page, 'e2e-fake-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a failed document as failed, not as indexing or as the previous file', async () => {
    const { page } = browser;
    const upload = async (name: string, pages: number): Promise<void> => {
      const pdf = await makeFixturePdf(pages);
      await page.locator('wk-app input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer: Buffer.from(pdf.bytes) });
    };
    const current = page.locator('wk-library li[aria-current="true"]');
    const problem = page.locator('wk-viewer wk-doc-problem');
    const counter = page.locator('wk-viewer .toolbar [aria-live]');
    const question = page.locator('wk-ask textarea');

    await upload('truncated.pdf', 4);
    await current.and(page.locator('[data-status="failed"]')).filter({ hasText: 'truncated' }).waitFor({ timeout: 20_000 });
    const reason = 'The PDF is damaged or truncated and could not be read.';
    await expect.poll(() => problem.locator('.reason').textContent()).toBe(reason);
    expect(await counter.textContent()).toBe('/ 0');
    expect(await page.locator('wk-viewer .page').count()).toBe(0);
    expect(await question.isDisabled()).toBe(true);
    expect(await page.locator('wk-ask .empty').textContent()).toContain(reason);
    expect(await page.locator('wk-ask .empty').textContent()).not.toContain('Indexing');
    expect(await statusText(page)).toBe(`truncated: ${reason}`);
    await screenshot(page, 'e2e-fake-failed.png');

    // Straight from a shown PDF to the failed one: nothing of the PDF stays.
    await page.locator('wk-library li button.open', { hasText: 'fixture' }).click();
    await expect.poll(() => counter.textContent()).toBe('/ 500');
    await page.keyboard.press('Control+f');
    await page.locator('wk-viewer .findbar input').fill('page 3');
    await page.locator('wk-library li button.open', { hasText: 'truncated' }).click();
    await problem.waitFor();
    expect(await counter.textContent()).toBe('/ 0');
    expect(await page.locator('wk-viewer .findbar').isHidden()).toBe(true);
    expect(await page.locator('wk-viewer .findbar input').inputValue()).toBe('');
    expect(await statusText(page)).toBe(`truncated: ${reason}`);

    // A password-protected file asks for its password; the service reads its stored copy again with it.
    await upload('encrypted.pdf', 5);
    // Wait for the new document itself: the one shown before it (truncated) is failed too.
    await current.and(page.locator('[data-status="failed"]')).filter({ hasText: 'encrypted' }).waitFor({ timeout: 20_000 });
    const opens = service.opens.length;
    await problem.locator('input[type=password]').fill('secret');
    await screenshot(page, 'e2e-fake-encrypted.png');
    await problem.locator('button.reopen').click();
    await expect.poll(() => service.opens.length).toBe(opens + 1);
    expect(service.opens.at(-1)).toEqual({ password: 'secret' });
    await current.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 20_000 });

    // A cancelled document says so and can be read again.
    await upload('stopped.pdf', 6);
    await current.and(page.locator('[data-status="cancelled"]')).filter({ hasText: 'stopped' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => problem.locator('h2').textContent()).toContain('was cancelled');
    expect(await question.isDisabled()).toBe(true);
    await problem.locator('button.reopen').click();
    await current.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 20_000 });
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor();
    expect(await counter.textContent()).toBe('/ 6');
    expect(await question.isDisabled()).toBe(false);
    expect(await problem.count()).toBe(0);
    expect(await statusText(page)).toBe('stopped — Page 1');
  });

  it('asks for the password of a protected document the viewer cannot open, again after a reload', async () => {
    const { page } = browser;
    const problem = page.locator('wk-viewer wk-doc-problem');
    const unlock = async (password: string): Promise<void> => {
      await problem.locator('input[type=password]').fill(password);
      await problem.locator('button.reopen').click();
    };
    await page.locator('wk-app input[type=file]').setInputFiles({ name: 'locked.pdf', mimeType: 'application/pdf', buffer: Buffer.from(makeEncryptedPdf('secret', 'owner', 'Hidden text.')) });
    await page.locator('wk-library li[aria-current="true"][data-status="ready"]', { hasText: 'locked' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => problem.locator('h2').textContent(), { timeout: 20_000 }).toContain('is password-protected');
    await unlock('wrong');
    await expect.poll(() => problem.locator('.reason').textContent(), { timeout: 20_000 }).toBe('That password did not open it.');
    const opens = service.opens.length;
    await unlock('secret');
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor();
    expect(await problem.count()).toBe(0);
    // The parse is the service's; only the viewer needed the password.
    expect(service.opens.length).toBe(opens);

    await page.reload();
    await page.locator('wk-library li button.open', { hasText: 'locked' }).click();
    await expect.poll(() => problem.locator('h2').textContent(), { timeout: 20_000 }).toContain('is password-protected');
    await unlock('secret');
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor();
  });

  it('logged no page errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e)), errors.join('\n')).toEqual([]);
  });
});
