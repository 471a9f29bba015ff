#!/usr/bin/env node
// `npm start`: runs the built app in Electron. Finds the Electron binary the way
// node_modules/electron/index.js does, but never tries to download it: where it is missing
// (npm install does not fetch it; offline machines, CI), say so in one line and point to web mode.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

// better-sqlite3 is built against Node's V8 for the CLI and the tests; Electron needs its own build. It is
// made once per Electron version in .electron-native/ (a copy of the package, rebuilt there by
// @electron/rebuild, which fetches Electron's headers), so the Node build in node_modules stays as it is.
async function sqliteForElectron() {
  const require = createRequire(import.meta.url);
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const base = join(root, '.electron-native', electronVersion);
  const binding = join(base, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.error(`Building the SQLite module for Electron ${electronVersion} (once; needs internet for Electron's headers)…`);
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, 'node_modules'), { recursive: true });
  cpSync(source, join(base, 'node_modules/better-sqlite3'), { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'wukong-electron-native', private: true, dependencies: { 'better-sqlite3': '*' } }));
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: base, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  if (!existsSync(binding)) throw new Error(`the build left no ${binding}`);
  return binding;
}

let sqliteBinding;
try {
  sqliteBinding = await sqliteForElectron();
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
