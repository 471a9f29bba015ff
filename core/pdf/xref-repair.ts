/**
 * A broken cross-reference chain rebuilt without pdf.js's whole-file recovery, which turns the file into one
 * JavaScript string (for a 300 MB file, the file three times over for a moment). Here the bytes are scanned
 * where they lie, and the result is an incremental update appended to the file: a classic `xref` table with
 * the exact offset of every object found, and a trailer whose /Prev leads to the last cross-reference section
 * in the file, so objects inside object streams stay reachable through the file's own cross-reference stream.
 * pdf.js then reads the file the ordinary way; where an entry still fails it falls back to its own recovery,
 * so a file never reads worse than without this.
 */
import { ascii, isEol, keywordAt, objectHeaderAt, readDict, skipWhite, spanInt, spanText, streamEnd, type Span } from './pdf-bytes.js';
import { headerOffset, xrefChainUsable } from './xref-check.js';

/**
 * Files from this size on are checked and repaired here. Smaller ones are left to pdf.js's own recovery:
 * its string costs little there, and it is what the damaged-file fuzz runs were measured with.
 */
export const REPAIR_MIN_BYTES = 32 * 2 ** 20;

const XREF = ascii('xref');
const TRAILER = ascii('trailer');
/** The trailer entries carried over from the file's last trailer that names a catalogue. */
const CARRIED_KEYS = ['Root', 'Info', 'Encrypt', 'ID'];

/**
 * Room to reserve after a file of `size` bytes read for parsing, so the repair's tail fits without a copy:
 * 20 bytes per object, and objects are rarely under 80 bytes. Only address space until it is used.
 */
export function xrefTailRoom(size: number): number {
  return size >= REPAIR_MIN_BYTES ? Math.ceil(size / 4) + 2 ** 20 : 0;
}

interface FoundObject {
  offset: number;
  gen: number;
}

export interface ScanResult {
  /** Every `N G obj` at the start of a line; the last one of a number wins, as in pdf.js. */
  objects: Map<number, FoundObject>;
  /** Classic trailers and cross-reference stream dictionaries, in file order. */
  trailers: Map<string, Span>[];
  /** Offset (from the header) of the last cross-reference section, a table or a stream, or -1. */
  lastSection: number;
  /** The last object whose dictionary says /Type /Catalog: the catalogue when no trailer names one. */
  catalog: { num: number; gen: number } | null;
}

/** One pass over the bytes; stream data with a direct /Length whose `endstream` is where it says is skipped. */
export function scanObjects(data: Uint8Array): ScanResult {
  const base = headerOffset(data);
  const result: ScanResult = { objects: new Map(), trailers: [], lastSection: -1, catalog: null };
  let i = base;
  let lineStart = true;
  while (i < data.length) {
    const c = data[i];
    if (isEol(c)) {
      lineStart = true;
      i++;
      continue;
    }
    if (!lineStart || c === 0x20 || c === 0x09) {
      if (c !== 0x20 && c !== 0x09) lineStart = false;
      i++;
      continue;
    }
    lineStart = false;
    if (c >= 0x30 && c <= 0x39) i = readObject(data, i, base, result);
    else if (c === 0x78 && keywordAt(data, i, XREF)) {
      result.lastSection = i - base;
      i += XREF.length;
    } else if (c === 0x74 && keywordAt(data, i, TRAILER)) {
      const dict = readDict(data, skipWhite(data, i + TRAILER.length));
      if (dict) result.trailers.push(dict.entries);
      i = dict ? dict.end : i + TRAILER.length;
    } else i++;
  }
  return result;
}

/** Records the object starting at `at`, if one does; returns where scanning goes on. */
function readObject(data: Uint8Array, at: number, base: number, result: ScanResult): number {
  const header = objectHeaderAt(data, at);
  if (!header) return at + 1;
  result.objects.set(header.num, { offset: at - base, gen: header.gen });
  const dictAt = skipWhite(data, header.end);
  const dict = readDict(data, dictAt);
  if (!dict) return header.end;
  const type = spanText(data, dict.entries.get('Type'));
  if (type === '/XRef') {
    result.trailers.push(dict.entries);
    result.lastSection = at - base;
  } else if (type === '/Catalog') result.catalog = { num: header.num, gen: header.gen };
  return streamEnd(data, dict.end, spanInt(data, dict.entries.get('Length'))) ?? dict.end;
}

/**
 * The incremental update that gives `data` a working cross-reference chain, to be appended right after its
 * last byte; null when the scan finds no catalogue to name (pdf.js's own recovery is all that is left then).
 */
export function xrefRepairTail(data: Uint8Array, scan: ScanResult = scanObjects(data)): Uint8Array | null {
  const named = scan.trailers.findLast((t) => t.has('Root'));
  const carried: string[] = [];
  if (named) {
    for (const key of CARRIED_KEYS) {
      const span = named.get(key);
      if (span) carried.push(`/${key} ${spanText(data, span)}`);
    }
  } else if (scan.catalog) carried.push(`/Root ${scan.catalog.num} ${scan.catalog.gen} R`);
  else return null;
  let size = 1;
  for (const num of scan.objects.keys()) size = Math.max(size, num + 1);
  for (const t of scan.trailers) size = Math.max(size, spanInt(data, t.get('Size')) ?? 0);
  const prev = scan.lastSection >= 0 ? ` /Prev ${scan.lastSection}` : '';
  // The tail starts on a line of its own; offsets count from the header, as pdf.js reads them.
  const xrefAt = data.length - headerOffset(data) + 1;
  const text = `\n${xrefTable(scan.objects)}trailer\n<< /Size ${size} ${carried.join(' ')}${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return ascii(text);
}

/** `xref` and its subsections: object 0 free, then each run of consecutive object numbers, 20 bytes an entry. */
function xrefTable(objects: Map<number, FoundObject>): string {
  const nums = [...objects.keys()].filter((n) => n > 0).sort((a, b) => a - b);
  const out = ['xref\n', '', '0000000000 65535 f\r\n'];
  let header = 1;
  let first = 0;
  let count = 1;
  for (const num of nums) {
    if (num !== first + count) {
      out[header] = `${first} ${count}\n`;
      header = out.push('') - 1;
      first = num;
      count = 0;
    }
    const { offset, gen } = objects.get(num)!;
    out.push(`${String(offset).padStart(10, '0')} ${String(Math.min(gen, 65535)).padStart(5, '0')} n\r\n`);
    count++;
  }
  out[header] = `${first} ${count}\n`;
  return out.join('');
}

/**
 * The tail that mends `data`'s cross-reference chain, or null when the chain is usable as it is or the scan
 * finds nothing better to offer.
 */
export function xrefRepairFor(data: Uint8Array): Uint8Array | null {
  return xrefChainUsable(data) ? null : xrefRepairTail(data);
}
