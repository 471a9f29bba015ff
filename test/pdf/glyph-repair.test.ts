import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { normalizeText } from '../../core/pdf/normalize.js';
import { applyRemap, attachAccents, fontRemap, glyphNameText, isTexMathFont, type FontData } from '../../core/pdf/glyph-repair.js';

/** A simple font as pdf.js exports it: names at their codes, pdf.js's Unicode at some codes (the rest unmapped). */
function font(name: string, codes: Record<number, [glyph: string, pdfjs?: string]>): FontData {
  const differences: string[] = [];
  const toUnicode: (string | undefined)[] = [];
  for (const [code, [glyph, pdfjs]] of Object.entries(codes)) {
    differences[Number(code)] = glyph;
    toUnicode[Number(code)] = pdfjs;
  }
  return { name, differences, toUnicode: { _map: toUnicode } };
}

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
    const codes: Record<number, [string, string]> = { 0x6a: ['bar', '\u2663'], 0x12: ['theta', '\u00b9'], 0x20: ['psi', '\u00c8'], 0x41: ['A', 'A'] };
    const map = fontRemap(font('QWERTY+CMSY10', codes));
    expect(map).not.toBeNull();
    expect(applyRemap('(Y\u2663B = b), \u00b9 and \u00c8, A', map!)).toBe('(Y|B = b), θ and ψ, A');
    // A text font with the same names is left to pdf.js: what it gave there is printable.
    expect(fontRemap(font('QWERTY+CMR10', codes))).toBeNull();
  });

  it('leaves a character alone when two named codes share it with different meanings', () => {
    const toUnicode = ['\u0000', '\u0000'];
    const map = fontRemap({ name: 'CMEX10', differences: ['parenleftbigg', 'parenrightbigg'], toUnicode });
    expect(map).toBeNull();
  });

  it('marks C0 and C1 control codes left over as unknown characters', () => {
    expect(normalizeText('a\u0002b\u0099c')).toBe('a\ufffdb\ufffdc');
  });

  it('turns tall-delimiter pieces into the bracket they build', () => {
    expect(normalizeText('\uf8eba\uf8ecb\uf8ed\uf8f6\uf8f7\uf8f8')).toBe('(ab)');
    expect(normalizeText('\uf8ee\uf8ef\uf8f0x\uf8f9\uf8fa\uf8fb')).toBe('[x]');
  });
});

describe('glyph names where pdf.js gives no text', () => {
  it('reads names generically: uniXXXX, uXXXXX, ligatures, variants and numbered variants', () => {
    expect(glyphNameText('uni0394')).toBe('Δ');
    expect(glyphNameText('uni00660069')).toBe('fi');
    expect(glyphNameText('u1D49C')).toBe('𝒜');
    expect(glyphNameText('uniE103')).toBeUndefined(); // Private Use says nothing
    expect(glyphNameText('f_f_i')).toBe('ffi');
    expect(glyphNameText('fl')).toBe('fl');
    expect(glyphNameText('Delta1')).toBe('Δ');
    expect(glyphNameText('Sigma.alt')).toBe('Σ');
    expect(glyphNameText('a.sc')).toBe('a');
    expect(glyphNameText('C24')).toBeUndefined();
    expect(glyphNameText('G46')).toBeUndefined();
    expect(glyphNameText('G46', true)).toBe('F');
    expect(glyphNameText('G93', true)).toBe('“');
  });

  it('repairs only the codes pdf.js left as control codes or Private Use in an ordinary font', () => {
    // OUP's Times math italic: 'Delta1' at code 2 has no Unicode, so pdf.js gives U+0002.
    const map = fontRemap(font('AFFCIH+RMTMI', { 2: ['Delta1'], 3: ['Sigma1'], 47: ['slash', '/'], 60: ['less', '<'], 0x41: ['theta', 'A'] }));
    expect(map).toEqual(new Map([['\u0002', 'Δ'], ['\u0003', 'Σ']]));
    expect(applyRemap('COSA-1\u00021–10', map!)).toBe('COSA-1Δ1–10');
    // A font pdf.js reads fine needs nothing.
    expect(fontRemap(font('ABCDEF+Times', { 47: ['slash', '/'], 0xfb01: ['fi', '\ufb01'] }))).toBeNull();
  });

  it("reads 'G' + hex names as Windows-1252 once the font's other names confirm the scheme", () => {
    const codes: Record<number, [string, string?]> = { 1: ['G49', 'I'], 2: ['G74', 't'], 3: ['G69', 'i'], 25: ['G46._'], 69: ['G85', '\u0085'], 74: ['G93', '\u0093'] };
    const map = fontRemap(font('MGNKHI+MSTT31c219', codes));
    expect(applyRemap('\u0019INANCIAL, \u0093Kaizen\u0085', map!)).toBe('FINANCIAL, “Kaizen…');
    // Without names that pdf.js itself read as hex codes, 'G46' is just a name.
    expect(fontRemap(font('ABCDEF+Other', { 25: ['G46._'] }))).toBeNull();
  });
});

describe('Advent 3B2 publisher fonts', () => {
  it('reads the math font AdvP4C4E74 by its own table, Latin-1 slots included', () => {
    const map = fontRemap(
      font('OOADJJ+AdvP4C4E74', {
        2: ['C2'],
        3: ['C0'],
        4: ['C6'],
        5: ['C14', '\u000e'],
        6: ['C24', '\u0018'],
        48: ['zero', '0'],
        188: ['onequarter', '\u00bc'],
        254: ['thorn', '\u00fe'],
        240: ['eth', '\u00f0'],
        222: ['Thorn', '\u00de'],
      }),
    )!;
    expect(applyRemap('3.3\u00029, v\u0003, mean \u0004 s.d., 37\u000eC, \u00181-Mb, 4\u0030,6, \u00bc, CS2\u00fe, \u00f0x\u00de', map)).toBe(
      '3.3×9, v−, mean ± s.d., 37°C, ∼1-Mb, 4′,6, =, CS2+, (x)',
    );
  });

  it('keys tables by exact font: the same name means something else elsewhere, unknown fonts stay as they are', () => {
    const accents = fontRemap(font('NNOPLI+AdvP4C4E59', { 2: ['C20', '\u0014'], 126: ['asciitilde', '~'] }))!;
    expect(applyRemap('\u0014~', accents)).toBe('ˇ˜');
    expect(fontRemap(font('NNOPLI+AdvP4C4E99', { 5: ['C14', '\u000e'] }))).toBeNull();
    // A Latin-1 slot is only read differently when no other code of the font gives that character.
    const twice = font('OOADJJ+AdvP4C4E74', { 48: ['zero', '0'] });
    (twice.toUnicode as { _map: string[] })._map[49] = '0';
    expect(fontRemap(twice)).toBeNull();
  });

  it('reads the Private Use ligatures and dash of the Arnhem and Arno companion fonts', () => {
    const arnhem = fontRemap(font('OOADJO+AdvOT999035f4+e1', { 1: ['uniE104', '\ue104'], 3: ['uniE103', '\ue103'] }))!;
    expect(applyRemap('\ue104uorescent \ue103tness', arnhem)).toBe('fluorescent fitness');
    const bold = fontRemap(font('OOAGOK+AdvOTaa6301a5.B+e1', { 1: ['uniE103', '\ue103'] }))!;
    expect(applyRemap('Re\ue103nement', bold)).toBe('Refinement');
    const arno = fontRemap(font('PBFAMA+AdvOTd3e08a55+e0', { 1: ['uniE0D5', '\ue0d5'] }))!;
    expect(applyRemap('unit\ue0d5they', arno)).toBe('unit—they');
    // An Advent font nobody checked keeps its Private Use characters.
    expect(fontRemap(font('OOADLC+AdvOTce71c481.I+e1', { 1: ['uniE103', '\ue103'] }))).toBeNull();
  });

  it('puts an accent drawn before its letter onto that letter', () => {
    const at = (x: number): number[] => [7.8, 0, 0, 7.8, x, 100];
    const runs = [
      { str: 'Baltru', transform: at(309.5) },
      { str: '\u0014', transform: at(353.6) },
      { str: 'sis', transform: at(353.7) },
    ];
    const texts = ['Baltru', 'ˇ', 'sis'];
    attachAccents(runs, texts);
    expect(texts.join('')).toBe('Baltrušis');
    // Far from the next run, or before a letter that takes no such accent, the accent stays where it was.
    const apart = ['Baltru', 'ˇ', 'sis'];
    attachAccents([runs[0], runs[1], { str: 'sis', transform: at(380) }], apart);
    expect(apart).toEqual(['Baltru', 'ˇ', 'sis']);
    const digit = ['x', 'ˇ', '1'];
    attachAccents(runs, digit);
    expect(digit).toEqual(['x', 'ˇ', '1']);
  });
});

const litqa = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'litqa2-dev', 'docs');

describe.skipIf(!existsSync(litqa))('glyph repair on papers in ../shared/eval/litqa2-dev', () => {
  const texts = new Map<string, string>();
  const files = ['10.1093_nar_gkae130.pdf', '10.1039_d1sc05088e.pdf', '10.1093_genetics_iyab101.pdf', '10.1021_acs.jctc.2c00401.pdf'];
  beforeAll(async () => {
    for (const f of files) {
      const doc = await parsePdf(new Uint8Array(readFileSync(join(litqa, f))), f);
      texts.set(f, doc.units.map((u) => u.text).join('\n'));
    }
  });
  const text = (f: string): string => texts.get(f) ?? '';

  it('leaves no control codes, Private Use or unknown characters', () => {
    // eslint-disable-next-line no-control-regex -- control codes are what must not be there
    for (const f of files) expect(text(f), f).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ue000-\uf8ff\ufffd]/);
  });

  it("reads RMTMI's Delta1 as Δ (OUP)", () => {
    expect(text('10.1093_nar_gkae130.pdf')).toContain('COSA-1Δ1–10');
  });

  it('reads Advent ligatures, math symbols and Latin-1 slots (RSC)', () => {
    const t = text('10.1039_d1sc05088e.pdf');
    for (const s of ['Red fluorescent proteins', 'local fitness optima', 'the Triad software', 'Refinement', 'at 37 °C', '± s.d', '(quantum yield = 0.02)', 'mM−1']) {
      expect(t).toContain(s);
    }
    expect(t).not.toContain('1/4');
  });

  it('reads Advent accents onto their letters and the math font slots (OUP Genetics)', () => {
    const t = text('10.1093_genetics_iyab101.pdf');
    for (const s of ['Baltrušis', 'Cabañas', 'Hypša', '4′,6-Diamidino', 'CS2+', 'at 37°C', 'kcal mol−1']) expect(t).toContain(s);
  });

  it('reads the Arno Private Use dash (ACS)', () => {
    expect(text('10.1021_acs.jctc.2c00401.pdf')).toContain('asymmetric unit—they are');
  });
});
