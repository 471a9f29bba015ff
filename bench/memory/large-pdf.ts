/**
 * Large PDFs for the memory benchmark: a real paper, then an incremental update holding one stream object of
 * incompressible bytes (as a big scanned image would be). Intact, the update ends with a cross-reference
 * section naming that object; damaged, its startxref leads past the end of the file instead, so pdf.js has to
 * rebuild the cross-reference table by scanning every byte. Written in chunks: the file is never whole in
 * this process.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';

const CHUNK = 1024 * 1024;

/** Deterministic filler (xorshift32), so every run writes the same file. */
function fill(words: Uint32Array, state: { x: number }): void {
  let x = state.x;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  state.x = x;
}

/** The paper's last startxref and its catalogue, which the appended cross-reference section must carry on. */
function trailerOf(paper: Buffer): { prev: number; root: string; size: number } {
  const text = paper.subarray(Math.max(0, paper.byteLength - 64 * 1024)).toString('latin1');
  const prev = [...text.matchAll(/startxref\s+(\d+)/g)].pop()?.[1];
  const whole = paper.toString('latin1');
  const root = [...whole.matchAll(/\/Root\s+(\d+\s+\d+)\s+R/g)].pop()?.[1];
  const size = [...whole.matchAll(/\/Size\s+(\d+)/g)].pop()?.[1];
  if (!prev || !root || !size) throw new Error('the paper has no trailer to extend');
  return { prev: Number(prev), root, size: Number(size) };
}

/** Writes `paper` grown to about `totalBytes`, intact or damaged; returns the size written. */
export async function writeLargePdf(paper: string, target: string, totalBytes: number, damaged: boolean): Promise<number> {
  const head = readFileSync(paper);
  const { prev, root, size } = trailerOf(head);
  const num = size;
  const objectAt = head.byteLength + 1;
  const ending = (xrefAt: number): Buffer => {
    const xref = `xref\n0 1\n0000000000 65535 f \n${num} 1\n${String(objectAt).padStart(10, '0')} 00000 n \n`;
    const trailer = `trailer\n<< /Size ${num + 1} /Root ${root} R /Prev ${prev} >>\n`;
    // Damaged: no cross-reference section, and a startxref that points past the end of the file.
    const start = damaged ? totalBytes * 4 : xrefAt;
    return Buffer.from(`\nendstream\nendobj\n${damaged ? '' : xref + trailer}startxref\n${start}\n%%EOF\n`, 'latin1');
  };
  const opening = (length: number): Buffer =>
    Buffer.from(`\n${num} 0 obj\n<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode /Length ${length} >>\nstream\n`, 'latin1');
  const streamBytes = Math.max(0, totalBytes - head.byteLength - opening(totalBytes).byteLength - ending(totalBytes).byteLength);
  const open = opening(streamBytes);
  // "\nendstream\nendobj\n" comes before the cross-reference section.
  const tail = ending(head.byteLength + open.byteLength + streamBytes + 18);
  const out = createWriteStream(target);
  const write = async (b: Uint8Array): Promise<void> => {
    if (!out.write(b)) await once(out, 'drain');
  };
  await write(head);
  await write(open);
  const state = { x: 0x9e3779b9 };
  for (let left = streamBytes; left > 0; left -= CHUNK) {
    const words = new Uint32Array(CHUNK / 4);
    fill(words, state);
    await write(new Uint8Array(words.buffer, 0, Math.min(CHUNK, left)));
  }
  await write(tail);
  out.end();
  await once(out, 'finish');
  return out.bytesWritten;
}
