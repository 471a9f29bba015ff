#!/usr/bin/env node
// Builds what the window loads: dist/renderer/ (index.html, app.js, app.css, the pdf.js worker,
// fonts, cmaps, wasm) and the Electron preload as CommonJS (sandboxed preloads cannot be ESM).
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/renderer');
const require = createRequire(import.meta.url);
const pdfjs = dirname(require.resolve('pdfjs-dist/package.json'));
const production = process.env.NODE_ENV === 'production';

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'pdfjs'), { recursive: true });

await build({
  entryPoints: [join(root, 'renderer/src/main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Electron 45 is Chromium 140; web mode targets current browsers.
  target: ['chrome120', 'firefox121', 'safari17'],
  tsconfig: join(root, 'renderer/tsconfig.json'),
  sourcemap: 'linked',
  minify: production,
  legalComments: 'linked',
  logLevel: 'warning',
});

await Promise.all([
  cp(join(root, 'renderer/index.html'), join(out, 'index.html')),
  cp(join(root, 'renderer/app.css'), join(out, 'app.css')),
  cp(join(root, 'renderer/icon.svg'), join(out, 'icon.svg')),
  cp(join(pdfjs, 'build/pdf.worker.min.mjs'), join(out, 'pdf.worker.mjs')),
  cp(join(pdfjs, 'cmaps'), join(out, 'pdfjs/cmaps'), { recursive: true }),
  cp(join(pdfjs, 'standard_fonts'), join(out, 'pdfjs/standard_fonts'), { recursive: true }),
  cp(join(pdfjs, 'wasm'), join(out, 'pdfjs/wasm'), { recursive: true }),
]);

await build({
  entryPoints: [join(root, 'electron/preload.ts')],
  outfile: join(root, 'dist/electron/preload.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  external: ['electron'],
  sourcemap: 'linked',
  logLevel: 'warning',
});

console.log(`renderer built in ${out}`);
