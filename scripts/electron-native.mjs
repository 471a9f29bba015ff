// better-sqlite3 for Electron, shared by `npm start` (scripts/start-electron.mjs) and `npm run dist`
// (scripts/electron-builder-before-pack.mjs).
//
// better-sqlite3 is the one production dependency built against V8's own API, so its build is tied to
// one runtime's ABI: the build `npm install` made serves Node (CLI, web mode, tests) and cannot load in
// Electron. The other native modules (onnxruntime-node, hnswlib-node, @napi-rs/canvas) are N-API and
// load in both; test/unit/electron-native.test.ts checks that claim against the installed binaries.
// The Electron build is made in a copy of the package under .electron-native/<version>/, never in
// node_modules, so the Node build stays as it is.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Production dependencies whose binaries are tied to one runtime's ABI and so need an Electron build. */
export const ELECTRON_REBUILT_MODULES = ['better-sqlite3'];

/** The binding's file name, as better-sqlite3's own build names it. */
export const SQLITE_BINDING_FILE = 'better_sqlite3.node';

/** Where the installer's copy of the Electron build is staged (package.json build.extraResources reads it). */
export function packageStagingDir(root, os, arch) {
  return join(root, '.electron-native', 'package', `${os}-${arch}`);
}

export function installedElectronVersion() {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
}

/**
 * Builds better-sqlite3 for `electronVersion` on this machine (once per version; fetches Electron's
 * headers, or a prebuilt binary, so it needs internet the first time) and returns the binding's path.
 */
export async function sqliteForElectron(root, electronVersion) {
  const require = createRequire(import.meta.url);
  const base = join(root, '.electron-native', electronVersion);
  const binding = join(base, 'node_modules/better-sqlite3/build/Release', SQLITE_BINDING_FILE);
  if (existsSync(binding)) return binding;
  console.error(`Building the SQLite module for Electron ${electronVersion} (once; needs internet for Electron's headers)…`);
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, 'node_modules'), { recursive: true });
  cpSync(source, join(base, 'node_modules/better-sqlite3'), { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'wukong-electron-native', private: true, dependencies: { 'better-sqlite3': '*' } }));
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: base, electronVersion, onlyModules: ELECTRON_REBUILT_MODULES, force: true });
  if (!existsSync(binding)) throw new Error(`the build left no ${binding}`);
  return binding;
}
