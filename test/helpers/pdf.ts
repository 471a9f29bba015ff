import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A simple one-column PDF whose text is known exactly: one paragraph per entry, one page per array. */
export async function makePdf(pages: string[][], options: { title?: string } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (options.title) pdf.setTitle(options.title);
  const font = await pdf.embedFont(StandardFonts.TimesRoman);
  for (const paragraphs of pages) {
    const page = pdf.addPage([612, 792]);
    let y = 740;
    for (const para of paragraphs) {
      for (const line of wrap(para, 90)) {
        page.drawText(line, { x: 72, y, size: 11, font });
        y -= 14;
      }
      y -= 12;
    }
  }
  return pdf.save();
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
