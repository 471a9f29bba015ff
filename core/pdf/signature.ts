/** Whether bytes are a PDF at all, told from their head alone (no pdf.js needed). */
export function looksLikePdf(data: Uint8Array): boolean {
  // The spec puts %PDF- at byte 0; readers (and pdf.js) tolerate junk before it within the first KiB.
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-');
}
