import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toWriteError } from '../../core/errors.js';
import { UsageError } from '../args.js';
import type { DocumentModel, UnitKind } from '../../core/model/document.js';
import { addOcrUnits } from '../../core/ocr/index.js';
import { loadSource } from '../../core/service/source.js';
import { jsonFlag, printJson, truncate, type Command } from '../command.js';

export const parseCommand: Command = {
  name: 'parse',
  summary: 'Parse a PDF into units (paragraphs, headings, figures, tables, captions...) with pages and coordinates.',
  positionals: ['pdf'],
  flags: {
    ...jsonFlag,
    'png-dir': { type: 'string', value: 'DIR', description: 'write a PNG crop of every figure and table into DIR' },
    scale: { type: 'number', description: 'scale of the PNG crops (default 2)' },
    password: { type: 'string', description: 'password of an encrypted PDF' },
    ocr: { type: 'boolean', description: 'read pages without a text layer (scanned) with OCR, as the app does' },
  },
  examples: ['wukong parse paper.pdf', 'wukong parse paper.pdf --json > paper.json', 'wukong parse paper.pdf --png-dir figures/', 'wukong parse scan.pdf --ocr'],
  async run({ args, io }) {
    const path = args.positionals[0];
    const scale = (args.flags.scale as number | undefined) ?? 2;
    if (!(scale > 0 && scale <= 8)) throw new UsageError('--scale must be above 0 and at most 8');
    const { bytes, fileName } = await loadSource({ path });
    const password = args.flags.password as string | undefined;
    // pdf.js is imported here, not at the top: every command loads this module, and only `parse` needs it.
    const { parsePdf } = await import('../../core/pdf/parse.js');
    let doc = await parsePdf(bytes, fileName, {
      password,
      onProgress: (p) => io.progress(`Parsing page ${p.page} of ${p.pageCount}`),
    });
    if (args.flags.ocr) {
      const pageCount = doc.pageCount;
      doc = await addOcrUnits(doc, bytes, {
        password,
        onProgress: (_done, _total, page) => io.progress(`Recognising text on page ${page} of ${pageCount} (scanned)`),
      });
    }
    io.progress('');
    const pngDir = args.flags['png-dir'] as string | undefined;
    const written = pngDir ? await writeCrops(doc, bytes, pngDir, scale) : [];
    if (args.flags.json) {
      printJson(io, doc);
      return 0;
    }
    io.out(describe(doc));
    if (pngDir) io.out(`\nwrote ${written.length} crops to ${pngDir}`);
    return 0;
  },
};

async function writeCrops(doc: DocumentModel, bytes: Uint8Array, dir: string, scale: number): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw toWriteError(err, dir);
  }
  const { renderRegionPng } = await import('../../core/pdf/render.js');
  const out: string[] = [];
  for (const unit of doc.units) {
    if (unit.kind !== 'figure' && unit.kind !== 'table') continue;
    const name = `p${unit.page}-${(unit.label ?? unit.id).replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}.png`;
    const png = await renderRegionPng(bytes, unit.page, unit.bbox, scale);
    try {
      await writeFile(join(dir, name), png);
    } catch (err) {
      throw toWriteError(err, dir);
    }
    out.push(name);
  }
  return out;
}

function describe(doc: DocumentModel): string {
  const counts = new Map<UnitKind, number>();
  for (const u of doc.units) counts.set(u.kind, (counts.get(u.kind) ?? 0) + 1);
  // A page that could not be read at all is listed with its warning, not as a scan.
  const noText = doc.pages.filter((p) => !p.hasText && !p.ocr && !p.warning).map((p) => p.number);
  const ocr = doc.pages.filter((p) => p.ocr).map((p) => p.number);
  const lines = [
    `${doc.fileName}: ${doc.title ? `"${doc.title}", ` : ''}${doc.pageCount} page${doc.pageCount === 1 ? '' : 's'}, ${doc.units.length} units in ${doc.parser.ms} ms`,
    `  ${[...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ')}`,
  ];
  if (noText.length) lines.push(`  pages without a text layer (scanned?): ${noText.join(', ')}${ocr.length ? '' : ' (--ocr reads them)'}`);
  if (ocr.length) lines.push(`  pages read with OCR: ${ocr.join(', ')}`);
  for (const p of doc.pages) if (p.warning) lines.push(`  page ${p.number}: ${p.warning.message}`);
  lines.push('');
  for (const u of doc.units) {
    const tag = (u.label ? `${u.kind} ${u.label}` : u.kind) + (u.ocr ? ' (ocr)' : '');
    lines.push(`p${String(u.page).padEnd(3)} ${tag.padEnd(18)} ${truncate(u.text, 96)}`);
  }
  return lines.join('\n');
}
