/** Text clean-up shared by every unit: compatibility forms, ligatures, invisible characters, hyphenation. */

// NFKC already splits the Unicode ligature code points (U+FB00-FB06); these are the ones it leaves or that
// fonts without a proper ToUnicode map emit.
const EXTRA_REPLACEMENTS: [RegExp, string][] = [
  [/\u00ad|\u200b|\u200c|\u200d|\u2060|\ufeff/g, ''], // soft hyphen and zero-width marks carry no text
  [/\ua732/g, 'AA'],
  [/\ua733/g, 'aa'],
  [/\u0132/g, 'IJ'],
  [/\u0133/g, 'ij'],
  [/\u2044/g, '/'],
  // Adobe Symbol's Private Use pieces of tall delimiters (pdf.js's names for TeX's extensible parts): the
  // top piece stands for the bracket it builds, middle/extension/bottom pieces carry no further text.
  [/\uf8eb/g, '('],
  [/\uf8f6/g, ')'],
  [/\uf8ee/g, '['],
  [/\uf8f9/g, ']'],
  [/\uf8f1/g, '{'],
  [/\uf8fc/g, '}'],
  [/[\uf8e5-\uf8e7\uf8ec\uf8ed\uf8ef\uf8f0\uf8f2-\uf8f5\uf8f7\uf8f8\uf8fa\uf8fb\uf8fd\uf8fe]/g, ''],
  [/[\u2000-\u200a\u202f\u205f\u3000\u00a0]/g, ' '],
  // Control codes (C0 and C1) come from glyphs whose font has no Unicode mapping: mark them as unknown, not
  // as text.
  // eslint-disable-next-line no-control-regex -- matching control codes is the point here
  [/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd'],
];

/** Characters that are not white space: how much ink a run carries (counted without building a string). */
export function visibleLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xa0 && !(c >= 0x2000 && c <= 0x200a)) n++;
  }
  return n;
}

export function normalizeText(s: string): string {
  // Most runs are plain printable ASCII, which every step below leaves unchanged.
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  let out = s.normalize('NFKC');
  for (const [re, to] of EXTRA_REPLACEMENTS) out = out.replace(re, to);
  return out;
}

const HYPHEN_END = /([\p{L}\p{N}])[-\u2010\u00ad]$/u;

/**
 * Whether a line-end hyphen after `lastWord` is a real one. The fragment before it must be a word piece
 * for the typesetter to have broken it there, and no typesetter leaves a single letter ("p-" + "hydroxy...",
 * "N-" + "terminal"). A compound of words that already holds a hyphen ("state-of-the-" + "art") most likely
 * broke on a real hyphen too; one whose earlier parts are only one-letter or numeric prefixes (chemical
 * locants: "p-hydrox-" + "ybenzylidene", "2,4-dinitro-" + "phenol") is one long word broken like any other.
 */
function realHyphen(lastWord: string): boolean {
  const parts = lastWord.replace(/^[(["“‘']+/u, '').slice(0, -1).split('-');
  const fragment = parts[parts.length - 1];
  if ([...fragment].length === 1) return true;
  return parts.slice(0, -1).some((p) => !/^(?:\p{L}|[\p{N},′']+)$/u.test(p));
}

/**
 * Joins line texts into one string. A line ending in a hyphen after a letter, followed by a line starting
 * with a lower-case letter, is a word broken by the typesetter: the hyphen goes, unless it is a real one
 * (realHyphen). Names continued by a capital or a digit ("COSA-" + "1") keep it too.
 */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) {
      out = line;
      continue;
    }
    const m = HYPHEN_END.exec(out);
    if (m && /^\p{Ll}/u.test(line) && /\p{L}/u.test(m[1])) {
      const lastWord = /\S+$/.exec(out)?.[0] ?? '';
      out = realHyphen(lastWord) ? out + line : out.slice(0, -1) + line;
    } else if (/["'”’)]-$/u.test(out) && /^\p{Ll}/u.test(line)) {
      // '"zoo"-' + 'specific': a hyphen after a quote or parenthesis is part of a compound, kept and joined.
      out += line;
    } else if (/\p{L}$/u.test(out) && /^-\p{Ll}/u.test(line)) {
      // "The p" + "-hydroxybenzylidene": runs that touch, cut into two lines at a column gutter. No line of
      // running text opens with a hyphen glued to a word, so it goes on with the word before.
      out += line;
    } else if (m && /^[\p{Lu}\p{N}]/u.test(line)) {
      // "COSA-" + "1", "HIM-6-RMH-" + "1": a real hyphen at the break; the word continues without a space.
      out += line;
    } else {
      out += ' ' + line;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Lower-case letters and digits only: how heading text is compared with outline titles. */
export function simplifyTitle(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
