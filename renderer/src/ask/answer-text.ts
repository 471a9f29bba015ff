/** Splits answer text into plain runs and [n] citation markers ("[1]", "[2, 3]", "[1][2]"). */
export type Segment = { text: string } | { cite: number };

export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    for (const n of m[1].split(/[,;]/)) out.push({ cite: Number(n.trim()) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
