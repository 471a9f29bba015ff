#!/usr/bin/env node
// `npm run bench -- <suite> [--json] [suite args...]`: runs dist/bench/<suite>.js (built from bench/<suite>.ts),
// writes bench/results/<suite>.json with the figures and the machine they were measured on.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [suite, ...rest] = process.argv.slice(2);
const json = rest.includes('--json');
const args = rest.filter((a) => a !== '--json');
if (!suite || suite === '--help') {
  console.error('usage: npm run bench -- <suite> [--json] [args]\nsuites: the files in bench/ (parse, retrieval, ...)');
  process.exit(2);
}
const file = join(root, 'dist', 'bench', `${suite}.js`);
if (!existsSync(file)) {
  console.error(`no benchmark suite "${suite}" (looked for ${file}; run npm run build first)`);
  process.exit(2);
}
const mod = await import(pathToFileURL(file).href);
const started = new Date().toISOString();
const figures = await mod.run(args);
const result = {
  suite,
  command: `npm run bench -- ${[suite, ...args].join(' ')}`,
  started,
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), platform, arch, node: process.version },
  figures,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', `${suite}.json`), JSON.stringify(result, null, 2) + '\n');
if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`${suite} (${result.machine.cores} cores, ${result.machine.cpu}, node ${process.version})`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
}
