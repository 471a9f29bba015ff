export const ELECTRON_REBUILT_MODULES: string[];
export const SQLITE_BINDING_FILE: string;
export function packageStagingDir(root: string, os: string, arch: string): string;
export function installedElectronVersion(): string;
export function sqliteForElectron(root: string, electronVersion: string): Promise<string>;
