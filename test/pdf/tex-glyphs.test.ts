import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { normalizeText } from '../../core/pdf/normalize.js';
import { applyRemap, isTexMathFont, texRemap } from '../../core/pdf/tex-glyphs.js';

describe('TeX math glyph names over pdf.js Unicode', () => {
  it('knows the TeX math font families by base name, subset tag or not', () => {
    expect(isTexMathFont('ABCDEF+CMSY10')).toBe(true);
    expect(isTexMathFont('LMMathSymbols8-Regular')).toBe(true);
    expect(isTexMathFont('XYZABC+MSBM10')).toBe(true);
    expect(isTexMathFont('ABCDEF+CMR10')).toBe(false);
    expect(isTexMathFont('LMRoman10-Regular')).toBe(false);
  });

  it('maps what pdf.js says for a named code to what the name means', () => {
    // As pdf.js exports a CMSY/CMMI subset: 'bar' read as a club, theta and psi read as Latin-1.
    const toUnicode: (string | undefined)[] = [];
    toUnicode[0x6a] = '\u2663';
    toUnicode[0x12] = '\u00b9';
    toUnicode[0x20] = '\u00c8';
    toUnicode[0x41] = 'A';
    const differences: string[] = [];
    differences[0x6a] = 'bar';
    differences[0x12] = 'theta';
    differences[0x20] = 'psi';
    differences[0x41] = 'A';
    const map = texRemap({ name: 'QWERTY+CMSY10', differences, toUnicode: { _map: toUnicode } });
    expect(map).not.toBeNull();
    expect(applyRemap('(Y\u2663B = b), \u00b9 and \u00c8, A', map!)).toBe('(Y|B = b), θ and ψ, A');
    // A text font with the same names is left to pdf.js.
    expect(texRemap({ name: 'QWERTY+CMR10', differences, toUnicode })).toBeNull();
  });

  it('leaves a character alone when two named codes share it with different meanings', () => {
    const toUnicode = ['\u0000', '\u0000'];
    const map = texRemap({ name: 'CMEX10', differences: ['parenleftbigg', 'parenrightbigg'], toUnicode });
    expect(map).toBeNull();
  });

  it('turns tall-delimiter pieces into the bracket they build', () => {
    expect(normalizeText('\uf8eba\uf8ecb\uf8ed\uf8f6\uf8f7\uf8f8')).toBe('(ab)');
    expect(normalizeText('\uf8ee\uf8ef\uf8f0x\uf8f9\uf8fa\uf8fb')).toBe('[x]');
  });
});

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');

describe.skipIf(!existsSync(corpus))('math glyphs in ../shared/corpus', () => {
  const text = async (f: string): Promise<string> =>
    (await parsePdf(new Uint8Array(readFileSync(join(corpus, f))), f)).units.map((u) => u.text).join('\n');

  it('reads lme4 conditional bars as "|" and leaves no Private Use pieces', async () => {
    const t = await text('lme4_lmer.pdf');
    expect(t).not.toMatch(/\u2663/);
    expect(t).not.toMatch(/[\ue000-\uf8ff]/);
    expect(t).toContain('Y|B = b');
  }, 60_000);

  it('reads sandwich Greek as Greek', async () => {
    const t = await text('sandwich-CL.pdf');
    expect(t).not.toMatch(/[\u00c8\ue000-\uf8ff]/);
    expect(t).toMatch(/ψ/);
    expect(t).toMatch(/θ/);
  }, 60_000);
});
