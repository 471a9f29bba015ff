/** A PDF whose only page is a picture of text: what a scanner produces, with no text layer at all. */
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';

export interface DrawnLine {
  text: string;
  /** Where the line's text sits on the page, in points (top-left origin, y down). */
  x: number;
  top: number;
  size: number;
}

/** Pixels per point in the image: 3 (216 dpi) is a typical office scan. */
const PX = 3;

export const PAGE = { width: 400, height: 220 };

export const LINES: DrawnLine[] = [
  { text: 'Lemurs of Madagascar', x: 40, top: 30, size: 24 },
  { text: 'Ring-tailed lemurs sleep in groups', x: 40, top: 90, size: 14 },
  { text: 'and forage for tamarind fruit daily.', x: 40, top: 115, size: 14 },
];

export async function makeScannedPdf(lines: readonly DrawnLine[] = LINES): Promise<Uint8Array> {
  const canvas = createCanvas(PAGE.width * PX, PAGE.height * PX);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = 'black';
  ctx.textBaseline = 'top';
  for (const l of lines) {
    ctx.font = `${l.size * PX}px DejaVu Sans, sans-serif`;
    ctx.fillText(l.text, l.x * PX, l.top * PX);
  }
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE.width, PAGE.height]);
  page.drawImage(await doc.embedPng(await canvas.encode('png')), { x: 0, y: 0, width: PAGE.width, height: PAGE.height });
  return doc.save();
}
