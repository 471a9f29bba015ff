import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPdfPaths } from '../../electron/pdf-paths.js';
import { askArgs, validateRequest } from '../../web/validate.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('transport argument validation', () => {
  it('passes well-formed requests through as copies', () => {
    const scope = { docIds: ['abc'] };
    const args = validateRequest('retrieve', [scope, 'why?', { k: 3, retriever: 'bm25' }]);
    expect(args).toEqual([{ docIds: ['abc'] }, 'why?', { k: 3, retriever: 'bm25' }]);
    expect(args[0]).not.toBe(scope);
    expect(validateRequest('selectModel', ['generator', null])).toEqual(['generator', null]);
    expect(validateRequest('installModel', ['/m', null, { precision: 'int4' }])).toEqual(['/m', undefined, { precision: 'int4' }]);
    expect(validateRequest('installModel', ['/m'])).toEqual(['/m', undefined, {}]);
    expect(validateRequest('openDocument', [{ path: '/tmp/a.pdf' }])).toEqual([{ path: '/tmp/a.pdf' }, {}]);
  });

  it('refuses wrong shapes, unknown fields, extra arguments and bytes inside JSON', () => {
    expect(code(() => validateRequest('getDocument', ['../../etc']))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('getDocument', ['a', 'b']))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('listDocuments', [1]))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('retrieve', [{ library: false }, 'q']))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('retrieve', [{ library: true }, 'q', { k: 1e9 }]))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('retrieve', [{ library: true }, '']))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('openDocument', [{ bytes: new Uint8Array(4), fileName: 'a.pdf' }]))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('openDocument', [{ path: '/a.pdf', extra: 1 }]))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('selectModel', ['admin', 'x']))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('listJobs', 'nope' as unknown as unknown[]))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('installModel', ['/m', 'id', { precision: 'int3' }]))).toBe('BAD_REQUEST');
    expect(code(() => validateRequest('installModel', ['/m', 'id', { precision: 'int4', build: true }]))).toBe('BAD_REQUEST');
  });

  it('checks ask options and strips nothing silently', () => {
    const [scope, q, opts] = askArgs([{ library: true }, 'q', { extractive: true, history: [{ role: 'user', text: 'hi' }] }]);
    expect(scope).toEqual({ library: true });
    expect(q).toBe('q');
    expect(opts).toEqual({ extractive: true, history: [{ role: 'user', text: 'hi' }] });
    expect(code(() => askArgs([{ library: true }, 'q', { signal: {} }]))).toBe('BAD_REQUEST');
    expect(code(() => askArgs([{ library: true }, 'q', { history: [{ role: 'system', text: 'x' }] }]))).toBe('BAD_REQUEST');
    expect(askArgs([{ docIds: ['d1'] }, 'q', { wholePaper: true }])[2]).toEqual({ wholePaper: true });
    expect(code(() => askArgs([{ docIds: ['d1'] }, 'q', { wholePaper: 'yes' }]))).toBe('BAD_REQUEST');
  });

  it('lets Electron open only absolute paths of existing .pdf files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wk-paths-'));
    const pdf = join(dir, 'a.PDF');
    await writeFile(pdf, '%PDF-1.4');
    await mkdir(join(dir, 'folder.pdf'));
    await expect(checkPdfPaths([pdf])).resolves.toEqual([pdf]);
    await expect(checkPdfPaths(['relative.pdf'])).rejects.toMatchObject({ code: 'NOT_PDF' });
    await expect(checkPdfPaths([join(dir, 'notes.txt')])).rejects.toMatchObject({ code: 'NOT_PDF' });
    await expect(checkPdfPaths([join(dir, 'missing.pdf')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(checkPdfPaths([join(dir, 'folder.pdf')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(checkPdfPaths('x')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
