/**
 * E2E plumbing: Debian's Chromium driven by playwright-core against web mode. Each run gets a
 * fresh profile and is closed in afterAll (the machine is shared; browsers must not linger).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { AskEvent, Evidence, EvidenceSpan, WukongService } from '../../core/api.js';
import { startWebServer, type WebServer } from '../../web/server.js';

export const root = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const artifacts = join(root, 'test-results');

/**
 * Builds dist/renderer if it is missing (npm test builds it first anyway). Test files run in
 * parallel, so one builds under a lock folder while the others wait for it to go.
 */
export function ensureRendererBuilt(): void {
  if (existsSync(join(root, 'dist/renderer/app.js'))) return;
  const lock = join(root, 'dist/.renderer-build.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 1200 && existsSync(lock); i++) Atomics.wait(sleeper, 0, 0, 100);
    return;
  }
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build-renderer.mjs')], { stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'wk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Everything the page logs as an error, so a failing test says why. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, name);
  await page.screenshot({ path });
  return path;
}

/** Wraps a service so the test sees every event an answer streamed (a stream's body is not readable from the browser side). */
export function recordAsks(service: WukongService): { service: WukongService; asks: AskEvent[][] } {
  const asks: AskEvent[][] = [];
  const proxy = Object.create(service) as WukongService;
  proxy.ask = async function* (...args: Parameters<WukongService['ask']>) {
    const events: AskEvent[] = [];
    asks.push(events);
    for await (const event of service.ask(...args)) {
      events.push(event);
      yield event;
    }
  };
  return { service: proxy, asks };
}

export interface AppSession {
  server: WebServer;
  browser: Browser;
  /** Page errors and console errors seen so far. */
  errors: string[];
  /** Every answer's streamed events, in order. */
  asks: AskEvent[][];
  close(): Promise<void>;
}

/** Web mode over `service` with a fresh Chromium page on it: what every app test starts from. */
export async function openApp(service: WukongService): Promise<AppSession> {
  ensureRendererBuilt();
  const recorder = recordAsks(service);
  const server = await startWebServer({ service: recorder.service });
  const browser = await launch();
  return {
    server,
    browser,
    errors: collectErrors(browser.page),
    asks: recorder.asks,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Asks through the UI and returns the events the service streamed back, once the turn is over. */
export async function ask(page: Page, asks: AskEvent[][], question: string, timeout = 120_000): Promise<AskEvent[]> {
  const turns = page.locator('wk-ask article.turn');
  const before = await turns.count();
  const box = page.locator('wk-ask textarea');
  await box.fill(question);
  await box.press('Enter');
  await page.locator(`wk-ask article.turn:nth-of-type(${before + 1}):is([data-state="done"], [data-state="error"], [data-state="cancelled"])`).waitFor({ timeout });
  return asks.at(-1) ?? [];
}

interface Box { x: number; y: number; width: number; height: number }

/**
 * The highlight elements drawn for `evidence` and the boxes they should have: its rectangles
 * (points) times the viewer's scale, offset by the page element's position on screen. With `spans`
 * (the cited sentences), the outlined boxes are theirs; the rest of the unit is only tinted.
 */
export async function highlightBoxes(page: Page, evidence: Evidence, spans?: EvidenceSpan[]): Promise<{ actual: Box[]; expected: Box[]; scale: number }> {
  const pageEl = page.locator(`wk-viewer .page[data-page-number="${evidence.page}"]`);
  const pageBox = (await pageEl.boundingBox())!;
  const scale = Number(await pageEl.getAttribute('data-scale'));
  const figure = evidence.kind === 'figure' || evidence.kind === 'table';
  const onPage = spans?.filter((s) => s.page === evidence.page).flatMap((s) => s.lineRects) ?? [];
  const rects = figure || evidence.lineRects.length === 0 ? [evidence.bbox] : onPage.length ? onPage : evidence.lineRects;
  const expected = rects.map((r) => ({ x: pageBox.x + r[0] * scale, y: pageBox.y + r[1] * scale, width: (r[2] - r[0]) * scale, height: (r[3] - r[1]) * scale }));
  const els = page.locator(`wk-viewer .highlight:not(.context)[data-unit-id="${evidence.unitId}"][data-page="${evidence.page}"]`);
  const actual: Box[] = [];
  for (let i = 0; i < (await els.count()); i++) actual.push((await els.nth(i).boundingBox())!);
  return { actual, expected, scale };
}

export function boxesMatch(actual: Box[], expected: Box[], tolerance = 1): boolean {
  return actual.length === expected.length && actual.every((a, i) => {
    const e = expected[i];
    return Math.abs(a.x - e.x) <= tolerance && Math.abs(a.y - e.y) <= tolerance && Math.abs(a.width - e.width) <= tolerance && Math.abs(a.height - e.height) <= tolerance;
  });
}
