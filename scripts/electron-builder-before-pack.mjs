// electron-builder's beforePack hook (package.json build.beforePack), run once per platform and arch
// before that app is packed. build.npmRebuild stays false: electron-builder's own rebuild would rebuild
// every native module in node_modules in place for Electron, breaking the Node build the CLI and the
// tests use, and a beforeBuild hook that declines it (resolves false) also makes electron-builder 26
// leave node_modules out of the package altogether. Instead this hook builds only better-sqlite3, apart
// (scripts/electron-native.mjs), and stages the binding where build.extraResources ships it
// (resources/native/); the packaged main process hands that path to the service host
// (electron/sqlite-binding.ts).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedElectronVersion, packageStagingDir, sqliteForElectron, SQLITE_BINDING_FILE } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What to build for one app, or an Error saying why this machine cannot make it. `target` is the
 * platform and arch being packed, by Node's names. Native modules are compiled (hnswlib-node,
 * better-sqlite3) or picked (@napi-rs/canvas's per-platform package) for the machine that ran
 * npm install, so an app for another OS or CPU would ship binaries that do not load there.
 */
export function nativeBuildPlan(target, host = { platform: process.platform, arch: process.arch }) {
  if (target.platform !== host.platform || target.arch !== host.arch) {
    return new Error(`cannot package for ${target.platform}-${target.arch} on ${host.platform}-${host.arch}: the native modules in node_modules are built for this machine; run npm install and npm run dist on a ${target.platform}-${target.arch} machine`);
  }
  return {
    electronVersion: target.electronVersion ?? installedElectronVersion(),
    stagingDir: packageStagingDir(root, target.os, target.arch),
  };
}

/** electron-builder's pack context, by the names nativeBuildPlan uses. */
export function packTarget(context) {
  const { Arch } = createRequire(import.meta.url)('builder-util');
  const { packager } = context;
  return {
    platform: packager.platform.nodeName,
    os: packager.platform.buildConfigurationKey,
    arch: Arch[context.arch],
    electronVersion: packager.config.electronVersion ?? undefined,
  };
}

export default async function beforePack(context) {
  const target = packTarget(context);
  const plan = nativeBuildPlan(target);
  if (plan instanceof Error) throw plan;
  const binding = await sqliteForElectron(root, plan.electronVersion);
  mkdirSync(plan.stagingDir, { recursive: true });
  copyFileSync(binding, join(plan.stagingDir, SQLITE_BINDING_FILE));
  console.error(`Staged better-sqlite3 for Electron ${plan.electronVersion} (${target.platform}-${target.arch}) in ${plan.stagingDir}`);
}
