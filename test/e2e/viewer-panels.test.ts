/**
 * The viewer's outline and the ask panel around real papers, in Chromium against web mode with the
 * fake service: the PDFs (and their bookmarks) are real, the answers are the test's own, so the
 * checks do not wait for parsing and indexing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DocumentModel } from '../../core/api.js';
import { parsePdf } from '../../core/pdf/index.js';
import { getDocument } from '../../core/pdf/pdfjs.js';
import type { WebServer } from '../../web/server.js';
import { createFakeService, type FakeService } from '../web/fake-service.js';
import { hasChromium, openApp, root, screenshot, type AppSession, type Browser } from './harness.js';

const corpus = join(root, '..', 'shared', 'corpus');
const LME4 = join(corpus, 'lme4_lmer.pdf');
const ZOO = join(corpus, 'zoo.pdf');

/** A long run of words with no sentence break: the fake answers with each evidence's first sentence. */
const longText = (topic: string): string => Array.from({ length: 160 }, (_, i) => `${topic}${i % 7 ? '' : ' estimate'}`).join(' ');

interface Bookmark {
  title: string;
  dest: string | unknown[] | null;
  items: Bookmark[];
}

/** Where a bookmark leads, read in Node straight from the file. */
async function bookmarkPage(bytes: Uint8Array, mark: Bookmark): Promise<number> {
  const pdf = await getDocument({ data: bytes.slice() }).promise;
  try {
    const dest = typeof mark.dest === 'string' ? await pdf.getDestination(mark.dest) : mark.dest;
    return (await pdf.getPageIndex(dest![0] as Parameters<typeof pdf.getPageIndex>[0])) + 1;
  } finally {
    await pdf.destroy();
  }
}

const pageNumber = (page: Page): Promise<string> => page.locator('wk-viewer input[aria-label="Page number"]').inputValue();

describe.skipIf(!hasChromium || !existsSync(LME4) || !existsSync(ZOO))('viewer outline and ask panel (web mode, fake service, corpus PDFs)', () => {
  let service: FakeService;
  let app: AppSession;
  let server: WebServer;
  let browser: Browser;
  let errors: string[];
  let asks: AppSession['asks'];
  let outline: Bookmark[];
  let zooModel: DocumentModel;

  beforeAll(async () => {
    const pdf = await getDocument({ data: new Uint8Array(readFileSync(LME4)) }).promise;
    outline = ((await pdf.getOutline()) ?? []) as Bookmark[];
    await pdf.destroy();
    zooModel = await parsePdf(new Uint8Array(readFileSync(ZOO)), 'zoo.pdf');
    const rect: [number, number, number, number] = [72, 100, 500, 112];
    service = createFakeService({
      steps: 2,
      stepMs: 100,
      tokenMs: 2,
      documentModel: (name) => (name === 'zoo.pdf' ? zooModel : undefined),
      evidence: [
        { rank: 1, unitId: 'a1', kind: 'paragraph', page: 1, bbox: rect, lineRects: [rect], text: longText('mixed model'), section: ['1 Introduction'], score: 3, tokens: 40, fileName: 'lme4_lmer.pdf' },
        { rank: 2, unitId: 'b1', kind: 'paragraph', page: 1, bbox: rect, lineRects: [rect], text: longText('time series'), section: ['1 Introduction'], score: 2, tokens: 40, fileName: 'zoo.pdf' },
        { rank: 3, unitId: 'a2', kind: 'paragraph', page: 2, bbox: rect, lineRects: [rect], text: longText('random effect'), section: ['2 Formula'], score: 1, tokens: 40, fileName: 'lme4_lmer.pdf' },
        { rank: 4, unitId: 'a3', kind: 'table', page: 5, bbox: [100, 80, 500, 300], lineRects: [], text: '', label: 'Table 1', section: ['1 Introduction'], score: 1, tokens: 20, fileName: 'lme4_lmer.pdf' },
      ],
    });
    app = await openApp(service);
    ({ server, browser, errors, asks } = app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  const open = async (page: Page, path: string, name: string): Promise<void> => {
    await page.locator('wk-app input[type=file]').setInputFiles(path);
    await page.locator('wk-library li[aria-current="true"][data-status="ready"]', { hasText: name }).waitFor({ timeout: 20_000 });
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor({ timeout: 20_000 });
  };

  it("lists the PDF's bookmarks as a folded tree, and an entry takes the viewer to its destination", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await open(page, LME4, 'lme4_lmer');
    const branch = outline.find((b) => b.items.length > 0)!;
    const leaf = branch.items.at(-1)!;
    const target = await bookmarkPage(new Uint8Array(readFileSync(LME4)), leaf);
    expect(target).toBeGreaterThan(1);

    await page.locator('wk-viewer button[aria-label="Toggle outline"]').click();
    const tree = page.locator('wk-viewer nav.outline [role="tree"]');
    await tree.waitFor();
    expect(await page.locator('wk-viewer nav.outline').getAttribute('data-source')).toBe('bookmarks');
    expect(await tree.locator(':scope > li').count()).toBe(outline.length);
    expect(await tree.locator(':scope > li > .outline-row .entry').allTextContents()).toEqual(outline.map((b) => b.title.trim()));
    // Branches start folded; the twisty unfolds one.
    const item = tree.locator(':scope > li', { has: page.locator(`.entry:text-is("${branch.title.trim()}")`) }).first();
    const entry = item.locator('[role="group"] .entry', { hasText: leaf.title.trim() }).first();
    expect(await entry.isVisible()).toBe(false);
    await item.locator(':scope > .outline-row .twisty').click();
    expect(await item.getAttribute('aria-expanded')).toBe('true');
    await entry.click();
    await expect.poll(() => pageNumber(page)).toBe(String(target));
    await page.locator(`wk-viewer .page[data-page-number="${target}"][data-rendered]`).waitFor();
    await screenshot(page, 'e2e-outline.png');
    await item.locator(':scope > .outline-row .twisty').click();
    expect(await entry.isVisible()).toBe(false);
  });

  it('moves through the outline with the arrow keys, the whole tree one tab stop', async () => {
    const { page } = browser;
    const tree = page.locator('wk-viewer nav.outline [role="tree"]');
    const at = outline.findIndex((b) => b.items.length > 0);
    const branch = outline[at];
    const item = tree.locator(':scope > li').nth(at);
    const focused = (): Promise<string> =>
      // A string, as the test's own TypeScript has no DOM types: the focused element through the shadow roots.
      page.evaluate<string>(`(() => {
        let a = document.activeElement;
        while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
        return a ? a.textContent : '';
      })()`);
    expect(await tree.locator('.entry[tabindex="0"]').count()).toBe(1);
    await tree.locator(':scope > li > .outline-row .entry').first().focus();
    expect(await focused()).toBe(outline[0].title.trim());
    for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(branch.title.trim());
    expect(await item.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight');
    expect(await item.getAttribute('aria-expanded')).toBe('true');
    expect(await focused()).toBe(branch.title.trim());
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(branch.items[0].title.trim());
    // Down walks the open branch's children, then on to the next top-level entry.
    for (let i = 1; i < branch.items.length; i++) await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(branch.items.at(-1)!.title.trim());
    if (outline[at + 1]) {
      await page.keyboard.press('ArrowDown');
      expect(await focused()).toBe(outline[at + 1].title.trim());
      await page.keyboard.press('ArrowUp');
    }
    expect(await tree.locator('.entry[tabindex="0"]').count()).toBe(1);
    // Left goes to the parent, Left again folds it; folded children are skipped.
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe(branch.title.trim());
    await page.keyboard.press('ArrowLeft');
    expect(await item.getAttribute('aria-expanded')).toBe('false');
    if (outline[at + 1]) {
      await page.keyboard.press('ArrowDown');
      expect(await focused()).toBe(outline[at + 1].title.trim());
    }
    await page.keyboard.press('End');
    expect(await focused()).toBe(outline.at(-1)!.title.trim());
    // Enter takes the viewer to the focused entry, as a click does.
    const last = await bookmarkPage(new Uint8Array(readFileSync(LME4)), outline.at(-1)!);
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const first = await bookmarkPage(new Uint8Array(readFileSync(LME4)), outline[0]);
    await expect.poll(() => pageNumber(page)).toBe(String(first));
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect.poll(() => pageNumber(page)).toBe(String(last));
  });

  it('shows the parsed section headings for a file without bookmarks', async () => {
    const { page } = browser;
    await open(page, ZOO, 'zoo');
    const nav = page.locator('wk-viewer nav.outline');
    await expect.poll(() => nav.getAttribute('data-source')).toBe('sections');
    const section = zooModel.sections.find((s) => s.page > 1)!;
    expect(await nav.locator('[role="tree"] > li').count()).toBe(zooModel.sections.length);
    await nav.locator('[role="tree"] > li > .outline-row .entry', { hasText: section.title }).first().click();
    await expect.poll(() => pageNumber(page)).toBe(String(section.page));
  });

  it('groups library evidence by document and keeps the question in view while a long answer streams', async () => {
    const { page } = browser;
    await page.getByRole('radio', { name: 'Whole library' }).check();
    const box = page.locator('wk-ask textarea');
    await box.fill('Which packages model grouped data?');
    await box.press('Enter');
    const turn = page.locator('wk-ask article.turn').last();
    await turn.locator('.answer[data-state="streaming"]').waitFor();
    const inView = async (): Promise<boolean> => {
      const panel = (await page.locator('wk-ask .turns').boundingBox())!;
      const q = (await turn.locator('.question').boundingBox())!;
      return q.y >= panel.y - 1 && q.y + q.height <= panel.y + panel.height + 1;
    };
    // Long enough to overflow the panel, and the question still there.
    await expect.poll(async () => (await turn.boundingBox())!.height > (await page.locator('wk-ask .turns').boundingBox())!.height, { timeout: 30_000 }).toBe(true);
    expect(await turn.getAttribute('data-state')).toBe('streaming');
    expect(await inView()).toBe(true);
    await page.locator('wk-ask article.turn:last-of-type[data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await inView()).toBe(true);

    const groups = turn.locator('wk-evidence h4.doc');
    expect(await groups.allTextContents()).toEqual(['lme4_lmer', 'zoo']);
    const ranks = turn.locator('wk-evidence ol');
    expect(await ranks.nth(0).locator('button.item').evaluateAll((els) => els.map((e) => e.getAttribute('data-rank')))).toEqual(['1', '3', '4']);
    expect(await ranks.nth(1).locator('button.item').evaluateAll((els) => els.map((e) => e.getAttribute('data-rank')))).toEqual(['2']);
    expect(asks.at(-1)?.some((e) => e.type === 'done')).toBe(true);
    // zoo is open: lme4's table cannot be drawn from this file, so it shows no crop yet.
    await page.waitForTimeout(1000);
    expect(await turn.locator('wk-evidence button.item[data-unit-id="a3"] img').count()).toBe(0);
    await screenshot(page, 'e2e-library-groups.png');
  });

  it("opens a library citation's own paper (not the one on screen) and highlights the cited lines there", async () => {
    const { page } = browser;
    expect(await page.locator('wk-library li[aria-current="true"] .title').textContent()).toContain('zoo');
    await page.locator('wk-ask article.turn').last().locator('.cite[data-cite="3"]').first().click();
    await page.locator('wk-library li[aria-current="true"] .title', { hasText: 'lme4_lmer' }).waitFor();
    await page.locator('wk-viewer .highlight[data-unit-id="a2"][data-page="2"]').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => pageNumber(page)).toBe('2');
  });

  it("draws a library answer's table crop from its own paper only", async () => {
    const { page } = browser;
    const crop = page.locator('wk-ask article.turn').last().locator('wk-evidence button.item[data-unit-id="a3"] img');
    // lme4 is open now (the previous test): its table is drawn from its own file.
    await crop.waitFor();
    const lme4Crop = await crop.getAttribute('src');
    await page.locator('wk-library li button.open', { hasText: 'zoo' }).click();
    await page.locator('wk-viewer .page[data-page-number="1"][data-rendered]').waitFor();
    // The crop drawn from lme4 stays; nothing is drawn again from zoo's pages.
    await page.waitForTimeout(1000);
    expect(await crop.getAttribute('src')).toBe(lme4Crop);
  });

  it('logged no page errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e)), errors.join('\n')).toEqual([]);
  });
});
