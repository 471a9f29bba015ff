import { describe, expect, it } from 'vitest';

const pdfjsLoaded = (): boolean => (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker !== undefined;

// Each test file runs in a fresh process (pool: forks), so nothing else has loaded pdf.js here.
describe('pdf.js in the front ends’ thread', () => {
  it('is not loaded by importing the service or the CLI: parsing runs in a worker, crops load it when asked', async () => {
    const { LocalService } = await import('../../core/service/service.js');
    const { main } = await import('../../cli/main.js');
    expect(typeof LocalService).toBe('function');
    expect(typeof main).toBe('function');
    expect(pdfjsLoaded()).toBe(false);
  });

  it('names the same parser version as the pdf.js that parses', async () => {
    const { PARSER_VERSION } = await import('../../core/pdf/parser-version.js');
    const { version } = await import('../../core/pdf/pdfjs.js');
    expect(pdfjsLoaded()).toBe(true);
    expect(PARSER_VERSION.endsWith(`+pdfjs-${version}`)).toBe(true);
  });
});
