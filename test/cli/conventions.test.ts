import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/main.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { makeEncryptedPdf } from '../pdf/make-pdf.js';

const root = join(import.meta.dirname, '..', '..');

describe('wukong CLI conventions', () => {
  it('lists every subcommand in --help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['parse', 'retrieve', 'ask', 'eval', 'serve', 'models']) expect(r.out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('exits 2 with usage when called with nothing or an unknown command', async () => {
    expect((await runCli([])).code).toBe(2);
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints its usage and exits 0', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: wukong ${name}`);
  });

  it('exits 2 on unknown options, missing arguments and bad values', async () => {
    expect((await runCli(['parse', 'x.pdf', '--bogus'])).code).toBe(2);
    expect((await runCli(['retrieve', 'x.pdf'])).code).toBe(2);
    expect((await runCli(['retrieve', 'x.pdf', 'q', '--k', 'many'])).code).toBe(2);
    expect((await runCli(['retrieve', 'x.pdf', 'q', '--k', '0'])).code).toBe(2);
    expect((await runCli(['retrieve', 'x.pdf', 'q', '--retriever', 'magic'])).code).toBe(2);
    expect((await runCli(['ask', 'x.pdf', 'q', '--model', 'm', '--no-model'])).code).toBe(2);
    expect((await runCli(['models', 'dance'])).code).toBe(2);
    expect((await runCli(['parse', 'x.pdf', '--scale', '0'])).code).toBe(2);
    expect((await runCli(['retrieve', 'x.pdf', '   '])).code).toBe(2);
    expect((await runCli(['ask', 'x.pdf', ''])).code).toBe(2);
    const r = await runCli(['parse', 'a.pdf', 'b.pdf']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: wukong parse');
  });

  it('exits 1 with a clear message for a file that is not a PDF, and a typed error in --json', async () => {
    const file = join(tempHome(), 'notes.pdf');
    writeFileSync(file, 'just some text, not a PDF');
    const human = await runCli(['parse', file]);
    expect(human.code).toBe(1);
    expect(human.err).toContain('notes.pdf is not a PDF');
    const json = await runCli(['parse', file, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).error.code).toBe('NOT_PDF');
  });

  it('asks for the password of an encrypted PDF and parses it with --password', async () => {
    const file = join(tempHome(), 'locked.pdf');
    writeFileSync(file, makeEncryptedPdf('pw', 'owner', 'Confidential results.'));
    const locked = await runCli(['parse', file]);
    expect(locked.code).toBe(1);
    expect(locked.err).toContain('password-protected');
    const open = await runCli(['parse', file, '--password', 'pw', '--json']);
    expect(open.code).toBe(0);
    expect(JSON.stringify(JSON.parse(open.out).units)).toContain('Confidential results.');
  });

  it('exits 1 with NOT_FOUND for a missing file', async () => {
    const r = await runCli(['retrieve', '/no/such/paper.pdf', 'what?', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error).toMatchObject({ code: 'NOT_FOUND', message: 'File not found: /no/such/paper.pdf' });
  });

  it.skipIf(!existsSync(join(root, 'dist', 'cli', 'main.js')))('works as an installed bin (npx wukong)', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'wukong.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: wukong <command>');
    const bad = spawnSync(process.execPath, [join(root, 'bin', 'wukong.js'), 'parse'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
