/**
 * Sentence boundaries as character ranges, shared by the parser (which gives every sentence its own
 * line rectangles) and retrieval (which feeds and quotes whole sentences), so both cut text alike.
 */

// Abbreviations after which a full stop does not end a sentence ("et al.", "Fig. 3", "e.g.", "J. Smith").
const ABBREV = /(?:\b(?:et al|e\.g|i\.e|cf|vs|Fig|Figs|Eq|Eqs|Tab|Sec|No|approx|resp|ca|Dr|Prof|St|Ref|Refs|Suppl|Vol|pp)\.|\b\p{Lu}\.)$/u;
// A full stop, question or exclamation mark (and any closing quote or bracket), then space and a capital,
// digit or opening bracket; or a line break (units of several parts are joined with "\n").
const BOUNDARY = /([.!?]["'”’)\]]*)\s+(?=[\p{Lu}\p{N}("“[])|\n+/gu;

/** [start, end) of each sentence of `text`, trimmed, in order; empty text gives none. */
export function sentenceRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  const push = (a: number, b: number): void => {
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    if (b > a) out.push([a, b]);
  };
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + (m[1]?.length ?? 0);
    if (m[1] && ABBREV.test(text.slice(Math.max(start, end - 12), end))) continue;
    push(start, end);
    start = m.index + m[0].length;
  }
  push(start, text.length);
  return out;
}

export function splitSentences(text: string): string[] {
  return sentenceRanges(text).map(([a, b]) => text.slice(a, b).replace(/\s+/g, ' '));
}
