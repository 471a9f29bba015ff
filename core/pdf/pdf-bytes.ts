/**
 * Just enough PDF syntax, read straight from the file's bytes, to find objects, cross-reference sections and
 * trailer dictionaries: no string of the file is ever made, so a 300 MB file is read where it lies.
 */

/** A dictionary value as the bytes it spans, [start, end): copied as they are, or read as a number or name. */
export interface Span {
  start: number;
  end: number;
}

/** Dictionaries larger than this are not read: a trailer or an object's header is a few hundred bytes. */
const MAX_DICT_BYTES = 64 * 1024;
const MAX_DEPTH = 32;

export function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

export function isEol(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

function isDelimiter(c: number): boolean {
  // ( ) < > [ ] { } / %
  return c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
}

/** Whether `c` ends a keyword or number (what follows `obj`, `xref`, `trailer`). */
export function endsToken(c: number | undefined): boolean {
  return c === undefined || isWhite(c) || isDelimiter(c);
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function bytesEqual(data: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at < 0 || at + word.length > data.length) return false;
  for (let i = 0; i < word.length; i++) if (data[at + i] !== word[i]) return false;
  return true;
}

/** The keyword `word` at `at`, as a whole token. */
export function keywordAt(data: Uint8Array, at: number, word: Uint8Array): boolean {
  return bytesEqual(data, at, word) && endsToken(data[at + word.length]);
}

/** Last start of `word` within [from, to), or -1. */
export function lastIndexOf(data: Uint8Array, word: Uint8Array, from: number, to: number): number {
  for (let i = Math.min(to, data.length) - word.length; i >= Math.max(0, from); i--) if (bytesEqual(data, i, word)) return i;
  return -1;
}

/** Skips white space and comments. */
export function skipWhite(data: Uint8Array, at: number): number {
  let i = at;
  while (i < data.length) {
    const c = data[i];
    if (isWhite(c)) i++;
    else if (c === 0x25) while (i < data.length && !isEol(data[i])) i++;
    else break;
  }
  return i;
}

/** A non-negative integer at `at`: its value and where it ends, or null. */
export function readUint(data: Uint8Array, at: number): { value: number; end: number } | null {
  let i = at;
  let value = 0;
  while (i < data.length && isDigit(data[i]) && i - at < 15) value = value * 10 + data[i++] - 0x30;
  if (i === at || !endsToken(data[i])) return null;
  return { value, end: i };
}

/** `N G obj` at `at`: the object's number, generation and the position after `obj`. */
export function objectHeaderAt(data: Uint8Array, at: number): { num: number; gen: number; end: number } | null {
  const num = readUint(data, at);
  if (!num || !isWhite(data[num.end])) return null;
  const gen = readUint(data, skipWhite(data, num.end));
  if (!gen || !isWhite(data[gen.end])) return null;
  const obj = skipWhite(data, gen.end);
  if (!keywordAt(data, obj, OBJ)) return null;
  return { num: num.value, gen: gen.value, end: obj + OBJ.length };
}

export const OBJ = ascii('obj');

/** The end of the token or value starting at `at` (a name, number, string, array, dictionary), or -1. */
function skipValue(data: Uint8Array, at: number, limit: number, depth: number): number {
  if (depth > MAX_DEPTH || at >= limit) return -1;
  const c = data[at];
  if (c === 0x2f) {
    let i = at + 1;
    while (i < limit && !endsToken(data[i])) i++;
    return i;
  }
  if (c === 0x3c && data[at + 1] === 0x3c) return skipDict(data, at, limit, depth + 1);
  if (c === 0x3c) {
    const close = data.indexOf(0x3e, at);
    return close < 0 || close >= limit ? -1 : close + 1;
  }
  if (c === 0x28) return skipLiteralString(data, at, limit);
  if (c === 0x5b) {
    let i = skipWhite(data, at + 1);
    while (i < limit && data[i] !== 0x5d) {
      i = skipValue(data, i, limit, depth + 1);
      if (i < 0) return -1;
      i = skipWhite(data, i);
    }
    return i < limit ? i + 1 : -1;
  }
  if (isDelimiter(c)) return -1;
  let i = at;
  while (i < limit && !endsToken(data[i])) i++;
  return i;
}

function skipLiteralString(data: Uint8Array, at: number, limit: number): number {
  let nesting = 0;
  for (let i = at; i < limit; i++) {
    const c = data[i];
    if (c === 0x5c) i++;
    else if (c === 0x28) nesting++;
    else if (c === 0x29 && --nesting === 0) return i + 1;
  }
  return -1;
}

function skipDict(data: Uint8Array, at: number, limit: number, depth: number): number {
  const dict = readDictEntries(data, at, limit, depth);
  return dict ? dict.end : -1;
}

/** An indirect reference `N G R` starting at `at`: where it ends, or -1. */
function referenceEnd(data: Uint8Array, at: number): number {
  const num = readUint(data, at);
  if (!num) return -1;
  const gen = readUint(data, skipWhite(data, num.end));
  if (!gen) return -1;
  const r = skipWhite(data, gen.end);
  return data[r] === 0x52 && endsToken(data[r + 1]) ? r + 1 : -1;
}

function readDictEntries(data: Uint8Array, at: number, limit: number, depth: number): { entries: Map<string, Span>; end: number } | null {
  if (data[at] !== 0x3c || data[at + 1] !== 0x3c) return null;
  const entries = new Map<string, Span>();
  let i = skipWhite(data, at + 2);
  while (i < limit) {
    if (data[i] === 0x3e && data[i + 1] === 0x3e) return { entries, end: i + 2 };
    if (data[i] !== 0x2f) return null;
    const keyEnd = skipValue(data, i, limit, depth);
    if (keyEnd < 0) return null;
    const key = latin1(data, i + 1, keyEnd);
    const start = skipWhite(data, keyEnd);
    let end = referenceEnd(data, start);
    if (end < 0) end = skipValue(data, start, limit, depth);
    if (end < 0) return null;
    entries.set(key, { start, end });
    i = skipWhite(data, end);
  }
  return null;
}

/** The dictionary starting at `at` (`<<`): each key's value as a span, and where the dictionary ends. */
export function readDict(data: Uint8Array, at: number): { entries: Map<string, Span>; end: number } | null {
  return readDictEntries(data, at, Math.min(data.length, at + MAX_DICT_BYTES), 0);
}

export function latin1(data: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(data[i]);
  return s;
}

export function spanText(data: Uint8Array, span: Span | undefined): string | undefined {
  return span && latin1(data, span.start, span.end);
}

/** A span holding a plain non-negative integer (a direct /Length, /Prev, /Size), or undefined. */
export function spanInt(data: Uint8Array, span: Span | undefined): number | undefined {
  if (!span) return undefined;
  const n = readUint(data, span.start);
  return n && n.end === span.end ? n.value : undefined;
}

/** The object number a span `N G R` names, or undefined. */
export function spanRefNum(data: Uint8Array, span: Span | undefined): number | undefined {
  if (!span || referenceEnd(data, span.start) !== span.end) return undefined;
  return readUint(data, span.start)?.value;
}

const STREAM = ascii('stream');
const ENDSTREAM = ascii('endstream');

/** Past `endstream` when the stream after a dictionary ends where its direct /Length says; else undefined. */
export function streamEnd(data: Uint8Array, dictEnd: number, length: number | undefined): number | undefined {
  if (length === undefined) return undefined;
  const s = skipWhite(data, dictEnd);
  if (!keywordAt(data, s, STREAM)) return undefined;
  let body = s + STREAM.length;
  if (data[body] === 0x0d) body++;
  if (data[body] === 0x0a) body++;
  const end = skipWhite(data, body + length);
  return keywordAt(data, end, ENDSTREAM) ? end + ENDSTREAM.length : undefined;
}
