#!/usr/bin/env node
// `npm start`: runs the built app in Electron. Finds the Electron binary the way
// node_modules/electron/index.js does, but never tries to download it: where it is missing
// (npm install does not fetch it; offline machines, CI), say so in one line and point to web mode.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedElectronVersion, sqliteForElectron } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(bin) ? bin : null;
  }
  if (!relative) return null;
  const bin = join(pkgDir, 'dist', relative);
  return existsSync(bin) ? bin : null;
}

const bin = electronBinary();
if (!bin) {
  // The electron package fetches its binary only from its own launcher, never during npm install.
  console.error('The Electron binary is not installed: fetch it once with internet (`node node_modules/electron/install.js`), or run `npm run web` to use WuKong Reader in your browser instead.');
  process.exit(1);
}
if (!existsSync(join(root, 'dist/electron/main.js')) || !existsSync(join(root, 'dist/renderer/index.html'))) {
  console.error('The app is not built yet; run `npm run build` first (npm start does this for you).');
  process.exit(1);
}

let sqliteBinding;
try {
  sqliteBinding = await sqliteForElectron(root, installedElectronVersion());
} catch (err) {
  console.error(`The SQLite module could not be built for Electron (${err instanceof Error ? err.message : err}). Run \`npm run web\` to use WuKong Reader in your browser, or try again with internet.`);
  process.exit(1);
}

// A leftover ELECTRON_RUN_AS_NODE would start Electron as plain Node, without a window.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
env.WUKONG_SQLITE_BINDING = sqliteBinding;
const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
