import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MESSAGES, WukongError, isErrorInfo, throwIfCancelled, toWriteError, toWukongError } from '../../core/errors.js';

describe('typed errors', () => {
  it('gives every code a sentence a person understands', () => {
    for (const code of ['ENCRYPTED', 'CORRUPT_PDF', 'NOT_PDF', 'NO_TEXT', 'TOO_LARGE', 'MODEL_MISSING', 'MODEL_INVALID', 'CANCELLED'] as const) {
      expect(ERROR_CODES).toContain(code);
    }
    for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code]).toMatch(/^[A-Z].*\.$/);
  });

  it('survives a JSON round trip as plain data', () => {
    const e = new WukongError('ENCRYPTED', undefined, 'xref at 1234');
    const back = JSON.parse(JSON.stringify(e));
    expect(back).toEqual({ code: 'ENCRYPTED', message: ERROR_MESSAGES.ENCRYPTED, detail: 'xref at 1234' });
    expect(isErrorInfo(back)).toBe(true);
    expect(toWukongError(back)).toMatchObject({ code: 'ENCRYPTED' });
  });

  it('maps system failures to codes and keeps the detail', () => {
    expect(toWukongError(Object.assign(new Error('x'), { code: 'ENOSPC' })).code).toBe('DISK_FULL');
    expect(toWukongError(Object.assign(new Error('x'), { code: 'ENOENT' })).code).toBe('NOT_FOUND');
    expect(toWukongError(Object.assign(new Error('x'), { code: 'EROFS' })).code).toBe('NO_ACCESS');
    expect(toWukongError(Object.assign(new Error('x'), { code: 'EACCES' })).code).toBe('NO_ACCESS');
    expect(toWukongError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })).code).toBe('DISK_FULL');
    expect(toWukongError(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' })).code).toBe('NO_ACCESS');
    // A read-only disk makes mkdir -p say ENOENT: while saving, that is a write problem, not a missing document.
    expect(toWriteError(Object.assign(new Error('x'), { code: 'ENOENT' }), '/data').message).toContain('cannot write to /data');
    expect(toWukongError(Object.assign(new Error('stop'), { name: 'AbortError' })).code).toBe('CANCELLED');
    const internal = toWukongError(new TypeError('undefined is not a function'));
    expect(internal.code).toBe('INTERNAL');
    expect(internal.detail).toBe('undefined is not a function');
  });

  it('throws CANCELLED once a signal fired', () => {
    const c = new AbortController();
    expect(() => throwIfCancelled(c.signal)).not.toThrow();
    c.abort();
    expect(() => throwIfCancelled(c.signal)).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
  });
});
