/** Splits answer text into plain runs and [n] citation markers ("[1]", "[2, 3]", "[1][2]", "[2-4]"). */
import type { Claim } from '../../../core/api.js';

export type Segment = { text: string } | { cite: number };

/** A segment and where it starts in the answer text. */
type Placed = Segment & { at: number };

const CITE = /\[(\d+(?:\s*[,;–-]\s*\d+)*)\]/g;

/** The numbers of one marker's inside: "2, 3" → 2, 3; "2-4" → 2, 3, 4 (as the service reads them). */
function numbers(inside: string): number[] {
  const out: number[] = [];
  for (const part of inside.split(/\s*[,;]\s*/)) {
    const range = /^(\d+)\s*[–-]\s*(\d+)$/.exec(part.trim());
    if (range) for (let n = Number(range[1]); n <= Number(range[2]) && n - Number(range[1]) < 20; n++) out.push(n);
    else out.push(Number(part.trim()));
  }
  return out;
}

function placed(text: string): Placed[] {
  const out: Placed[] = [];
  let last = 0;
  for (const m of text.matchAll(CITE)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), at: last });
    for (const n of numbers(m[1])) out.push({ cite: n, at: m.index });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), at: last });
  return out;
}

export function segments(text: string): Segment[] {
  return placed(text).map((s) => ('text' in s ? { text: s.text } : { cite: s.cite }));
}

/** A run of the answer: inside one checked sentence (`claim`) or between sentences. */
export interface Piece {
  claim?: Claim;
  segments: Segment[];
}

/**
 * The answer cut at its claims' edges, so each sentence can be marked (unsupported ones) while
 * its citation markers stay whole: a marker belongs to the sentence it starts in.
 */
export function pieces(text: string, claims: readonly Claim[] = []): Piece[] {
  const sorted = claims.filter((c) => c.end > c.start).sort((a, b) => a.start - b.start);
  const claimAt = (offset: number): Claim | undefined => sorted.find((c) => c.start <= offset && offset < c.end);
  const edges = [...new Set(sorted.flatMap((c) => [c.start, c.end]))].sort((a, b) => a - b);
  const out: Piece[] = [];
  const push = (claim: Claim | undefined, segment: Segment): void => {
    const last = out.at(-1);
    if (last && last.claim === claim) last.segments.push(segment);
    else out.push({ claim, segments: [segment] });
  };
  for (const s of placed(text)) {
    if ('cite' in s) {
      push(claimAt(s.at), { cite: s.cite });
      continue;
    }
    // Plain text is cut at every claim edge inside it.
    let from = s.at;
    const end = s.at + s.text.length;
    for (const edge of [...edges.filter((e) => e > s.at && e < end), end]) {
      push(claimAt(from), { text: text.slice(from, edge) });
      from = edge;
    }
  }
  return out;
}
