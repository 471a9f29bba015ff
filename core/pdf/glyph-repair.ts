/**
 * Text that pdf.js decodes wrongly, put right from the font's own glyph names (/Differences).
 *
 * - TeX math fonts (CMMI/CMSY/CMEX/MSBM and their Latin Modern twins) name every glyph used, yet pdf.js's
 *   Unicode for some codes is wrong: 'bar' comes out as '♣', Greek as Latin-1 ('È' for psi, '¹' for theta:
 *   the old TeX shift of codes 0-32 into 0xA1+), big delimiters as U+0000. Every named glyph of such a font
 *   is read by its name.
 * - Any other font: only where pdf.js gives no text (a control code, Private Use, U+FFFD) and the name says
 *   what the glyph is ('Delta1', 'uni0394', 'f_i', 'G46.alt'); pdf.js already reads the Adobe Glyph List.
 * - A few publisher fonts with private names (glyph-names.ts), by their exact base name.
 *
 * pdf.js's text items carry no codes, so the result is a map from the character pdf.js gave to the one the
 * name means, per font; a character two codes share with different meanings is left alone.
 */
import { EXTENSION, NAMES, PUBLISHER_FONTS, SPACING_ACCENTS, TEX_MATH_FONT } from './glyph-names.js';

/** The part of pdf.js's exported font data (fontExtraProperties) that the repair reads. */
export interface FontData {
  name?: string;
  differences?: (string | null | undefined)[] | Record<number, string>;
  toUnicode?: { _map?: (string | undefined)[] } | (string | undefined)[];
}

// eslint-disable-next-line no-control-regex -- control codes are what pdf.js gives for glyphs it cannot read
const NOT_TEXT = /^(?:[\u0000-\u001f\u007f-\u009f\ue000-\uf8ff\ufffd]|[\udb80-\udbff][\udc00-\udfff])?$/;

/** Whether pdf.js's text for a glyph is no text at all (a control code, Private Use, U+FFFD, nothing). */
function isNotText(s: string): boolean {
  return NOT_TEXT.test(s);
}

/** Windows-1252 at 0x80-0x9F, where it differs from Latin-1 (Node's TextDecoder reads it as Latin-1). */
const WINDOWS_1252_HIGH = '€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ';

function fromCodePoint(hex: string): string | undefined {
  const cp = parseInt(hex, 16);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  const ch = String.fromCodePoint(cp);
  return isNotText(ch) ? undefined : ch;
}

/**
 * What a glyph name stands for, or undefined where we do not know it. `hexNames`: the font names its glyphs
 * 'G' + the Windows-1252 code in hex ('G49' is 'I', 'G93' is '“'), as Windows printer drivers do.
 */
export function glyphNameText(name: string, hexNames = false): string | undefined {
  const known = NAMES.get(name);
  if (known !== undefined) return known;
  if (/^[A-Za-z]$/.test(name)) return name;
  for (const [re, to] of EXTENSION) if (re.test(name)) return to;
  const uni = /^uni((?:[0-9A-F]{4})+)$/.exec(name);
  if (uni) {
    const parts = (uni[1].match(/.{4}/g) ?? []).map(fromCodePoint);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  const u = /^u([0-9A-F]{4,6})$/.exec(name);
  if (u) return fromCodePoint(u[1]);
  const g = hexNames ? /^G([0-9A-F]{2})$/i.exec(name) : null;
  if (g) {
    const code = parseInt(g[1], 16);
    const ch = code >= 0x80 && code < 0xa0 ? WINDOWS_1252_HIGH[code - 0x80] : String.fromCharCode(code);
    return isNotText(ch) ? undefined : ch;
  }
  // Adobe's rules for names: a suffix after a period is a variant ('a.sc'), '_' joins a ligature's parts.
  const dot = name.indexOf('.');
  if (dot > 0) return glyphNameText(name.slice(0, dot), hexNames);
  if (name.includes('_')) {
    const parts = name.split('_').map((p) => glyphNameText(p, hexNames));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  // A numbered variant of a known name: 'Delta1' in Times math italic fonts.
  const numbered = /^([A-Za-z]{2,})\d+$/.exec(name);
  return numbered ? NAMES.get(numbered[1]) : undefined;
}

function baseName(fontName: string): string {
  return fontName.replace(/^[A-Z]{6}\+/, '');
}

export function isTexMathFont(fontName: string): boolean {
  return TEX_MATH_FONT.test(baseName(fontName));
}

/** The table of a publisher font, by base name; Advent companion fonts carry their block: "AdvOT999035f4+e1". */
function publisherTable(fontName: string): ReadonlyMap<string, string> | undefined {
  return PUBLISHER_FONTS.get(baseName(fontName).replace(/\+[0-9a-f]{2}$/i, ''));
}

/** Fonts whose printable characters may need repair: pages without a suspect character still need a look. */
export function isPublisherFont(fontName: string): boolean {
  return publisherTable(fontName) !== undefined;
}

/** pdf.js's text for a code: its ToUnicode entry, else the code itself as a character. */
function pdfjsText(tu: readonly (string | undefined)[], code: number): string {
  const s = tu[code];
  return (typeof s === 'string' && s) || String.fromCharCode(code);
}

/** The font names glyphs 'G' + hex code and pdf.js read at least a few of them that way. */
function usesHexNames(named: readonly [number, string, string][]): boolean {
  let agree = 0;
  for (const [, name, got] of named) {
    const m = /^G([0-9A-F]{2})$/i.exec(name);
    if (!m) continue;
    if (got === String.fromCharCode(parseInt(m[1], 16))) agree++;
    else if (!isNotText(got)) return false;
  }
  return agree >= 3;
}

/**
 * pdf.js text -> corrected text for one font, or null when the font needs nothing. A character that two
 * named codes share with different meanings is left alone rather than guessed, and so is a printable
 * character of a publisher font's slot that another code of the font also gives.
 */
export function fontRemap(font: FontData): Map<string, string> | null {
  if (!font.name || !font.differences) return null;
  const tu = Array.isArray(font.toUnicode) ? font.toUnicode : font.toUnicode?._map;
  if (!tu) return null;
  const tex = isTexMathFont(font.name);
  const publisher = publisherTable(font.name);
  const named: [number, string, string][] = [];
  for (const [code, name] of Object.entries(font.differences)) {
    if (typeof name === 'string') named.push([Number(code), name, pdfjsText(tu, Number(code))]);
  }
  const hexNames = !tex && usesHexNames(named);
  const map = new Map<string, string>();
  const conflicts = new Set<string>();
  for (const [code, name, got] of named) {
    const slot = publisher?.get(name);
    const want = slot ?? (tex || isNotText(got) ? glyphNameText(name, hexNames) : undefined);
    if (want === undefined || got === want) continue;
    if (slot !== undefined && !isNotText(got) && tu.some((s, c) => s === got && c !== code)) conflicts.add(got);
    const prev = map.get(got);
    if (prev !== undefined && prev !== want) conflicts.add(got);
    map.set(got, want);
  }
  for (const c of conflicts) map.delete(c);
  return map.size ? map : null;
}

export function applyRemap(s: string, map: ReadonlyMap<string, string>): string {
  let out = '';
  for (const ch of s) out += map.get(ch) ?? ch;
  return out;
}

/** A text run as getTextContent places it (user space). */
export interface PlacedRun {
  str: string;
  transform: number[];
}

/**
 * Accent fonts (AdvP4C4E59) draw the accent as a run of its own just before the letter it sits on, at the
 * letter's position: "Baltru" "ˇ" "sis". Where the repair turned a run into such an accent and the next run
 * starts right there with a letter that takes it, the two become one letter ("Baltru" "šis"). `texts` are
 * the repaired texts of `runs`, changed in place; an accent that finds no letter stays as it is.
 */
export function attachAccents(runs: readonly PlacedRun[], texts: string[]): void {
  for (let k = 0; k + 1 < runs.length; k++) {
    const mark = texts[k] === runs[k].str ? undefined : SPACING_ACCENTS.get(texts[k]);
    if (!mark) continue;
    const a = runs[k].transform;
    const b = runs[k + 1].transform;
    if (Math.hypot(b[4] - a[4], b[5] - a[5]) > 0.6 * Math.hypot(a[2], a[3])) continue;
    const next = texts[k + 1];
    const letter = (next.charAt(0) + mark).normalize('NFC');
    if (letter.length !== 1 || !/\p{L}/u.test(letter)) continue;
    texts[k + 1] = letter + next.slice(1);
    texts[k] = '';
  }
}
