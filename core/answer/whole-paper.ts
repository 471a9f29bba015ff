/**
 * Questions about the whole paper ("summarise", "main contributions", "limitations", "compare
 * sections 3 and 5") are not answered by a few top-ranked passages: the whole text is fed in
 * reading order (chunked prefill, with the DuoAttention cache where the model has a pattern),
 * up to what the model's context holds.
 */
import type { Evidence } from '../api.js';
import type { DocumentModel, UnitKind } from '../model/document.js';
import type { TokenCounter } from '../retrieval/budget.js';

const WHOLE_PAPER = new RegExp(
  [
    String.raw`\bsummari[sz](?:e|es|ing|ation)\b`,
    String.raw`\b(?:give|write) (?:me )?(?:a |an )?(?:summary|overview|abstract)\b`,
    String.raw`\b(?:main|key|principal|major) (?:contributions?|findings|results|points|ideas|takeaways|claims)\b`,
    String.raw`\blimitations?\b`,
    String.raw`\bwhat (?:is|does) (?:this|the) (?:paper|article|work|study) (?:about|do|show|propose)\b`,
    String.raw`\bcompare (?:sections?|chapters?)\b`,
    String.raw`\boverall\b.*\b(?:paper|article)\b`,
  ].join('|'),
  'i',
);

export function isWholePaperQuestion(question: string): boolean {
  return WHOLE_PAPER.test(question);
}

/** What a whole-paper prompt leaves out: bibliography and footnotes say little about the paper itself. */
const SKIP: ReadonlySet<UnitKind> = new Set(['reference', 'footnote']);

/**
 * The paper's units in reading order as numbered evidence, until `budget` tokens. Returns
 * whether it had to stop before the end.
 */
export function wholePaperEvidence(doc: DocumentModel, docId: string, counter: TokenCounter, budget: number): { evidence: Evidence[]; truncated: boolean } {
  const evidence: Evidence[] = [];
  let used = 0;
  for (const u of doc.units) {
    if (SKIP.has(u.kind) || !u.text.trim() || u.kind === 'heading') continue;
    const tokens = counter.count(u.text) + 12;
    if (used + tokens > budget) return { evidence, truncated: true };
    used += tokens;
    evidence.push({
      kind: u.kind,
      page: u.page,
      bbox: u.bbox,
      lineRects: u.lineRects,
      text: u.text,
      section: u.section,
      label: u.label,
      rank: evidence.length + 1,
      docId,
      unitId: u.id,
      score: 0,
      tokens,
    });
  }
  return { evidence, truncated: false };
}
