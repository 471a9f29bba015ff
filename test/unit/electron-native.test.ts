import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeBuildPlan, packTarget } from '../../scripts/electron-builder-before-pack.mjs';
import { ELECTRON_REBUILT_MODULES, packageStagingDir, SQLITE_BINDING_FILE } from '../../scripts/electron-native.mjs';
import { PACKAGED_SQLITE_BINDING, serviceHostEnv } from '../../electron/sqlite-binding.js';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function nodeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue; // nested packages are lock entries of their own
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...nodeFiles(path));
    else if (entry.name.endsWith('.node')) out.push(path);
  }
  return out;
}

/**
 * Production packages whose addon registers through Node's versioned ABI (node_register_module_v<N>,
 * tied to one V8) rather than N-API (napi_register_module_v1, loads in Node and Electron alike). The
 * export's name sits in the binary's symbol table in ELF, Mach-O and PE alike.
 */
function abiBoundPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const bound = new Set<string>();
  let addons = 0;
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.dev || !existsSync(join(root, key))) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    for (const file of nodeFiles(join(root, key))) {
      const bytes = readFileSync(file);
      if (bytes.includes('node_register_module_v')) bound.add(name);
      if (bytes.includes('napi_register_module_v1') || bytes.includes('node_register_module_v')) addons++;
    }
  }
  expect(addons).toBeGreaterThan(2); // the scan saw onnxruntime-node, hnswlib-node, @napi-rs/canvas, better-sqlite3
  return bound;
}

describe('native modules for Electron', () => {
  it('rebuilds exactly the production dependencies whose binaries are tied to Node ABI', () => {
    expect([...abiBoundPackages()].sort()).toEqual([...ELECTRON_REBUILT_MODULES].sort());
  });

  it('builds for the machine it runs on and refuses another OS or CPU by name', () => {
    const host = { platform: 'linux', arch: 'x64' };
    const plan = nativeBuildPlan({ platform: 'linux', os: 'linux', arch: 'x64', electronVersion: '45.4.1' }, host);
    expect(plan).toEqual({ electronVersion: '45.4.1', stagingDir: packageStagingDir(root, 'linux', 'x64') });
    for (const target of [{ platform: 'win32', os: 'win', arch: 'x64' }, { platform: 'linux', os: 'linux', arch: 'arm64' }]) {
      const refused = nativeBuildPlan(target, host);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain(`${target.platform}-${target.arch} on linux-x64`);
    }
  });

  it("reads electron-builder's pack context by Node's names", () => {
    const context = { arch: 3, packager: { platform: { nodeName: 'darwin', buildConfigurationKey: 'mac' }, config: { electronVersion: '45.4.1' } } };
    expect(packTarget(context)).toEqual({ platform: 'darwin', os: 'mac', arch: 'arm64', electronVersion: '45.4.1' });
  });

  it('ships the staged binding where the packaged main process points the service host', () => {
    const build = pkg.build;
    // electron-builder's own rebuild would rebuild node_modules in place for Electron and break the CLI.
    expect(build.npmRebuild).toBe(false);
    expect(existsSync(join(root, build.beforePack))).toBe(true);
    expect(build.asarUnpack).toContain('node_modules/better-sqlite3/**');
    const [resource] = build.extraResources as { from: string; to: string; filter: string[] }[];
    const from = resource.from.replace('${os}', 'linux').replace('${arch}', 'x64');
    expect(from).toBe(relative(root, packageStagingDir(root, 'linux', 'x64')));
    expect([resource.to, ...resource.filter]).toEqual([...PACKAGED_SQLITE_BINDING]);
    expect(PACKAGED_SQLITE_BINDING[1]).toBe(SQLITE_BINDING_FILE);
  });

  it('names the shipped binding to the service host only in a packaged app', () => {
    const env = { PATH: '/usr/bin' };
    expect(serviceHostEnv(env, { isPackaged: false, resourcesPath: '/opt/app/resources' })).toEqual(env);
    const packaged = serviceHostEnv(env, { isPackaged: true, resourcesPath: '/opt/app/resources' });
    expect(packaged).toEqual({ PATH: '/usr/bin', WUKONG_SQLITE_BINDING: join('/opt/app/resources', 'native', 'better_sqlite3.node') });
    expect(env).toEqual({ PATH: '/usr/bin' });
  });
});
