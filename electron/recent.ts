/** Open Recent: the last PDFs opened from disk, kept in the app's user-data folder. */
import { app } from 'electron';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MAX = 10;

export class RecentFiles {
  private readonly file = join(app.getPath('userData'), 'recent.json');
  private paths: string[];

  constructor(private readonly onChange: () => void) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      this.paths = Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, MAX) : [];
    } catch {
      this.paths = [];
    }
  }

  list(): readonly string[] {
    return this.paths;
  }

  add(path: string): void {
    this.paths = [path, ...this.paths.filter((p) => p !== path)].slice(0, MAX);
    // The OS's own list too (Dock menu, Windows jump list).
    app.addRecentDocument(path);
    this.save();
  }

  clear(): void {
    this.paths = [];
    app.clearRecentDocuments();
    this.save();
  }

  private save(): void {
    void writeFile(this.file, JSON.stringify(this.paths)).catch(() => undefined);
    this.onChange();
  }
}
