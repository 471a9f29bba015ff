/**
 * A cheap look at whether a PDF's cross-reference chain can be followed as it is: the last startxref near the
 * end, and each section it leads to (then each /Prev) where it says, a classic table with its trailer or a
 * cross-reference stream. Classic tables also have a few of their entries checked against the objects they
 * point at, so a file whose offsets all shifted counts as broken. Reads a few KiB, not the file.
 */
import { ascii, bytesEqual, endsToken, isEol, keywordAt, lastIndexOf, objectHeaderAt, readDict, readUint, skipWhite, spanInt, spanRefNum, spanText, streamEnd, type Span } from './pdf-bytes.js';

const STARTXREF = ascii('startxref');
const XREF = ascii('xref');
const TRAILER = ascii('trailer');
const PDF_HEADER = ascii('%PDF-');
/** pdf.js looks for startxref in the last KiB first; a writer that puts it further back is broken enough. */
const TAIL_BYTES = 2048;
/** Sections followed at most: a longer chain is most likely a loop through damaged /Prev values. */
const MAX_SECTIONS = 256;
const SAMPLED_ENTRIES = 8;

/** Where offsets count from: pdf.js measures them from the `%PDF-` header, which may follow some junk. */
export function headerOffset(data: Uint8Array): number {
  for (let i = 0; i + PDF_HEADER.length <= Math.min(data.length, 1024 + PDF_HEADER.length); i++) if (bytesEqual(data, i, PDF_HEADER)) return i;
  return 0;
}

/** The offset the file's last startxref gives, or null when there is none near the end. */
export function lastStartXref(data: Uint8Array): number | null {
  const at = lastIndexOf(data, STARTXREF, data.length - TAIL_BYTES, data.length);
  if (at < 0) return null;
  return readUint(data, skipWhite(data, at + STARTXREF.length))?.value ?? null;
}

interface Section {
  dict: Map<string, Span>;
  /** Classic tables only: in-use entries read from the table, object number to offset and generation. */
  sampled: { num: number; offset: number; gen: number }[];
}

export function xrefChainUsable(data: Uint8Array): boolean {
  const base = headerOffset(data);
  const start = lastStartXref(data);
  if (start === null) return false;
  const queue = [start];
  const seen = new Set<number>();
  let newest: Section | null = null;
  while (queue.length) {
    const offset = queue.shift()!;
    if (seen.has(offset)) continue;
    if (seen.size >= MAX_SECTIONS) return false;
    seen.add(offset);
    const section = readSection(data, base + offset);
    if (!section) return false;
    newest ??= section;
    for (const key of ['Prev', 'XRefStm']) {
      const next = spanInt(data, section.dict.get(key));
      if (next !== undefined) queue.push(next);
    }
  }
  if (!newest) return false;
  return newest.sampled.every((e) => objectAt(data, base + e.offset, e.num, e.gen));
}

function objectAt(data: Uint8Array, at: number, num: number, gen: number): boolean {
  // pdf.js skips white space before the object as well.
  const header = objectHeaderAt(data, skipWhite(data, at));
  return header !== null && header.num === num && header.gen === gen;
}

function readSection(data: Uint8Array, at: number): Section | null {
  if (at >= data.length) return null;
  const i = skipWhite(data, at);
  if (keywordAt(data, i, XREF)) return readTable(data, i + XREF.length);
  const header = objectHeaderAt(data, i);
  if (!header) return null;
  const dictAt = skipWhite(data, header.end);
  const dict = readDict(data, dictAt);
  if (!dict || spanText(data, dict.entries.get('Type')) !== '/XRef') return null;
  // A cross-reference stream cut short (a truncated file) cannot be read.
  const length = spanInt(data, dict.entries.get('Length'));
  if (length !== undefined && streamEnd(data, dict.end, length) === undefined) return null;
  return { dict: dict.entries, sampled: [] };
}

/** A classic table from just after `xref`: its subsections, then `trailer` and its dictionary. */
function readTable(data: Uint8Array, from: number): Section | null {
  const sampled: Section['sampled'] = [];
  const subsections: { first: number; count: number; at: number }[] = [];
  let i = skipWhite(data, from);
  for (;;) {
    if (keywordAt(data, i, TRAILER)) break;
    const first = readUint(data, i);
    if (!first) return null;
    const count = readUint(data, skipWhite(data, first.end));
    if (!count) return null;
    i = skipWhite(data, count.end);
    subsections.push({ first: first.value, count: count.value, at: i });
    for (let n = 0; n < count.value; n++) {
      const entry = readEntry(data, i);
      if (!entry) return null;
      if (entry.inUse && sampled.length < SAMPLED_ENTRIES) sampled.push({ num: first.value + n, offset: entry.offset, gen: entry.gen });
      i = entry.end;
    }
  }
  const dict = readDict(data, skipWhite(data, i + TRAILER.length));
  if (!dict) return null;
  // The catalogue's own entry is checked too, wherever it sits in the table.
  const root = spanRefNum(data, dict.entries.get('Root'));
  const sub = root === undefined ? undefined : subsections.findLast((s) => root >= s.first && root < s.first + s.count);
  if (root !== undefined && sub) {
    let at = sub.at;
    for (let n = sub.first; n < root; n++) at = readEntry(data, at)!.end;
    const entry = readEntry(data, at)!;
    if (entry.inUse) sampled.push({ num: root, offset: entry.offset, gen: entry.gen });
  }
  return { dict: dict.entries, sampled };
}

function readEntry(data: Uint8Array, at: number): { offset: number; gen: number; inUse: boolean; end: number } | null {
  const offset = readUint(data, at);
  if (!offset) return null;
  const gen = readUint(data, skipWhite(data, offset.end));
  if (!gen) return null;
  const k = skipWhite(data, gen.end);
  const type = data[k];
  if ((type !== 0x6e && type !== 0x66) || !endsToken(data[k + 1])) return null;
  let end = k + 1;
  while (end < data.length && (data[end] === 0x20 || isEol(data[end]))) end++;
  return { offset: offset.value, gen: gen.value, inUse: type === 0x6e, end };
}
