import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const shellDir = import.meta.dirname;
const srcDir = join(shellDir, '..', '..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.ts$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

const IMPORTS_ELECTRON = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]electron(?:\/[^'"]*)?['"]/;

/**
 * Importing electron in plain Node tries to download the binary and throws, so every file the
 * unit tests load must stay electron-free. Only src/main/shell/electron/ and the preload entry
 * may import it; this keeps that boundary from eroding one convenient import at a time.
 */
describe('electron imports', () => {
  it('appear only in src/main/shell/electron/, src/main/index.ts and src/preload/index.ts', async () => {
    const files = [...(await sourceFiles(shellDir)), ...(await sourceFiles(join(srcDir, 'preload'))), join(srcDir, 'main', 'index.ts')];
    const offenders: string[] = [];
    const importers: string[] = [];
    for (const file of files) {
      const rel = relative(srcDir, file).split('\\').join('/');
      // This file spells the import forms out as test data.
      if (rel === 'main/shell/layering.test.ts') continue;
      if (!IMPORTS_ELECTRON.test(await readFile(file, 'utf8'))) continue;
      importers.push(rel);
      const allowed = rel.startsWith('main/shell/electron/') || rel === 'preload/index.ts';
      if (!allowed) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
    // The check must actually see the electron files, or it proves nothing.
    expect(importers).toContain('preload/index.ts');
    expect(importers).toContain('main/shell/electron/start.ts');
  });

  it('the detector recognises the import forms it guards against', () => {
    expect(IMPORTS_ELECTRON.test("import { app } from 'electron';")).toBe(true);
    expect(IMPORTS_ELECTRON.test('import type { Session } from "electron";')).toBe(true);
    expect(IMPORTS_ELECTRON.test("const e = require('electron')")).toBe(true);
    expect(IMPORTS_ELECTRON.test("await import('electron/main')")).toBe(true);
    expect(IMPORTS_ELECTRON.test("import x from 'electron-vite'")).toBe(false);
  });
});
