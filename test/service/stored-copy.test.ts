import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../core/service/index.js';
import { identifySource } from '../../core/service/source.js';
import { copyFileAtomic, readWholeFile } from '../../core/util/fs.js';
import { tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

const PAGES = [['Random effects model the variation between groups.'], ['The sleepstudy data follow eighteen subjects.']];

describe("a document's stored copy", () => {
  it('is hashed and copied from the path without reading the file into the service, under the same id as its bytes', async () => {
    const home = tempHome();
    const bytes = await makePdf(PAGES);
    const path = join(home, 'mixed models.pdf');
    writeFileSync(path, bytes);
    const found = await identifySource({ path });
    expect(found).toMatchObject({ id: createHash('sha256').update(bytes).digest('hex'), fileName: 'mixed models.pdf', size: bytes.byteLength, path });
    expect('bytes' in found).toBe(false);
    expect((await identifySource({ bytes, fileName: 'x.pdf' })).id).toBe(found.id);

    const service = await createService({ home });
    const { document, job } = await service.openDocument({ path });
    expect(document).toMatchObject({ id: found.id, fileName: 'mixed models.pdf', bytes: bytes.byteLength });
    expect(new Uint8Array(readFileSync(join(home, 'library', document.id, 'document.pdf')))).toEqual(bytes);
    expect(await service.waitForJob(job!.id)).toMatchObject({ state: 'done' });
    expect((await service.getDocument(document.id)).units.map((u) => u.text).join(' ')).toContain('eighteen subjects');
    await service.close();
  });

  it('of a failed document is gone once the document is removed', async () => {
    const home = tempHome();
    const service = await createService({ home });
    const good = await makePdf(PAGES);
    // A PDF header and nothing readable after it: the parse fails with a typed error, the copy stays for a retry.
    const damaged = new Uint8Array([...Buffer.from('%PDF-1.7\n'), ...good.slice(4000, 6000)]);
    const path = join(home, 'damaged.pdf');
    writeFileSync(path, damaged);
    const { document, job } = await service.openDocument({ path });
    expect(await service.waitForJob(job!.id)).toMatchObject({ state: 'failed', error: { code: 'CORRUPT_PDF' } });
    const copy = join(home, 'library', document.id, 'document.pdf');
    expect(existsSync(copy)).toBe(true);
    expect((await service.listDocuments())[0]).toMatchObject({ status: 'failed' });

    // Reading it again uses the stored copy under the name the user gave it.
    const again = await service.reopenDocument(document.id);
    expect(again.document.fileName).toBe('damaged.pdf');
    await service.waitForJob(again.job!.id);

    await service.removeDocument(document.id);
    expect(existsSync(join(home, 'library', document.id))).toBe(false);
    expect(await service.listDocuments()).toEqual([]);
    await expect(service.reopenDocument(document.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await service.close();
  });

  it('is read into bytes that own their whole buffer, so they can be moved to the parse worker', async () => {
    const home = tempHome();
    const path = join(home, 'f.bin');
    const data = new Uint8Array(300_000).map((_, i) => i % 251);
    writeFileSync(path, data);
    const read = await readWholeFile(path);
    expect(read).toEqual(data);
    expect(read.byteOffset).toBe(0);
    expect(read.buffer.byteLength).toBe(read.byteLength);
    expect(Buffer.isBuffer(read)).toBe(false);
  });

  it('is copied in whole or not at all, and a source gone before the copy is NOT_FOUND, not a folder problem', async () => {
    const home = tempHome();
    const from = join(home, 'a.pdf');
    writeFileSync(from, 'x'.repeat(100_000));
    await copyFileAtomic(from, join(home, 'lib', 'copy.pdf'));
    expect(readFileSync(join(home, 'lib', 'copy.pdf'), 'utf8')).toBe('x'.repeat(100_000));
    await expect(copyFileAtomic(join(home, 'gone.pdf'), join(home, 'lib', 'other.pdf'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('gone.pdf') });
    expect(existsSync(join(home, 'lib', 'other.pdf'))).toBe(false);
    writeFileSync(join(home, 'blocked'), 'a file where a folder should be');
    await expect(copyFileAtomic(from, join(home, 'blocked', 'copy.pdf'))).rejects.toMatchObject({ code: 'NO_ACCESS' });
  });
});
