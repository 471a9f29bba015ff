import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendBytes, growableBytes } from '../../core/util/growable-bytes.js';
import { readWholeFile } from '../../core/util/fs.js';

const numbered = (n: number, from = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) % 256);

describe('bytes that grow in place', () => {
  it('appends inside the same buffer when it was read with room and is given up', () => {
    const data = growableBytes(10, 6);
    data.set(numbered(10));
    const buffer = data.buffer;
    const out = appendBytes(data, numbered(6, 10), true);
    expect(out.buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(16);
    expect([...out]).toEqual([...numbered(16)]);
  });

  it('copies once when the caller keeps its bytes or the room is too small', () => {
    const kept = growableBytes(10, 100);
    kept.set(numbered(10));
    const copy = appendBytes(kept, numbered(3, 10), false);
    expect(copy.buffer).not.toBe(kept.buffer);
    expect(kept.buffer.byteLength).toBe(10);
    expect([...copy]).toEqual([...numbered(13)]);
    const tight = growableBytes(10, 2);
    tight.set(numbered(10));
    const grown = appendBytes(tight, numbered(3, 10), true);
    expect(grown.buffer).not.toBe(tight.buffer);
    expect([...grown]).toEqual([...numbered(13)]);
    expect([...appendBytes(numbered(4), numbered(2, 4), true)]).toEqual([...numbered(6)]);
  });

  it('readWholeFile reserves the room it is asked for, and none by default', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wukong-grow-')), 'f.bin');
    writeFileSync(file, numbered(1000));
    const roomy = await readWholeFile(file, (size) => size / 2);
    expect(roomy.byteLength).toBe(1000);
    expect((roomy.buffer as ArrayBuffer & { maxByteLength: number }).maxByteLength).toBe(1500);
    expect([...roomy]).toEqual([...numbered(1000)]);
    const plain = await readWholeFile(file);
    expect((plain.buffer as ArrayBuffer & { resizable: boolean }).resizable).toBe(false);
  });
});
