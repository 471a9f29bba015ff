/** "see Figure 3", "Tables 2 and 4", "Section 4.1", "Eq. (5)": mentions resolved to the units they name. */
import type { Unit } from '../model/document.js';

const FIG_TAB = /\b(Figures?|Figs?\.?|FIGURES?|FIGS?\.?|Tables?|TABLES?|Tabs?\.)\s*((?:S?\d+[a-z]?)(?:\s*(?:,|and|&|[-–])\s*S?\d+[a-z]?)*)/g;
const SECTION = /(?:\b(?:Sections?|Sects?\.|Secs?\.)|§)\s*(\d+(?:\.\d+)*)/g;
const EQUATION = /\b(?:Equations?|Eqs?\.|Eqn\.?)\s*\(?(\d+(?:\.\d+)?[a-z]?)\)?/g;

/** Cheap test before the three scans: most paragraphs mention nothing. */
const ANY_MENTION = /Fig|FIG|Tab|TAB|Sec|§|Eq/;

export function mentionedLabels(text: string): string[] {
  const out: string[] = [];
  if (!ANY_MENTION.test(text)) return out;
  for (const m of text.matchAll(FIG_TAB)) {
    const kind = /^t/i.test(m[1]) ? 'Table' : 'Figure';
    const nums = m[2].split(/\s*(?:,|and|&)\s*/);
    for (const part of nums) {
      const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
      if (range && Number(range[2]) - Number(range[1]) < 20) {
        for (let n = Number(range[1]); n <= Number(range[2]); n++) out.push(`${kind} ${n}`);
      } else {
        const num = /S?\d+/.exec(part)?.[0];
        if (num) out.push(`${kind} ${num}`);
      }
    }
  }
  for (const m of text.matchAll(SECTION)) out.push(`Section ${m[1]}`);
  for (const m of text.matchAll(EQUATION)) out.push(`Eq. (${m[1]})`);
  return out;
}

/** Sets Unit.refs on text units. Figures and tables win over their captions as targets. */
export function linkCrossReferences(units: Unit[]): void {
  const byLabel = new Map<string, Unit>();
  for (const u of units) {
    if (!u.label) continue;
    const have = byLabel.get(u.label);
    if (!have || (have.kind === 'caption' && u.kind !== 'caption')) byLabel.set(u.label, u);
  }
  for (const u of units) {
    if (u.kind === 'figure' || u.kind === 'table') continue;
    const refs: string[] = [];
    for (const label of mentionedLabels(u.text)) {
      const target = byLabel.get(label);
      if (!target || target.id === u.id || (u.kind === 'caption' && u.targetId === target.id)) continue;
      if (!refs.includes(target.id)) refs.push(target.id);
    }
    if (refs.length) u.refs = refs;
  }
}
