/**
 * The parser's name and version, without loading pdf.js: the service compares stored documents against
 * them at every open, and pdf.js (~45 MB once loaded) is only needed in threads that parse or render.
 */
import { createRequire } from 'node:module';

const pdfjsVersion = (createRequire(import.meta.url)('pdfjs-dist/package.json') as { version: string }).version;

export const PARSER_NAME = 'wukong-pdf';
export const PARSER_VERSION = `1.7.0+pdfjs-${pdfjsVersion}`;
