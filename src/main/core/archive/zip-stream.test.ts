import { execFileSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSink, type ByteSink } from './streams';
import { ZipStreamWriter } from './zip-stream';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lethe-zip-stream-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const none: ByteSink = { update: () => undefined };

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part, 'utf8');
}

async function writeZip(path: string, fill: (zip: ZipStreamWriter) => Promise<void>, forceZip64 = false): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    const sink = fileSink(handle, none);
    const zip = new ZipStreamWriter(sink, { date: new Date(2025, 2, 1, 10, 20, 30), forceZip64 });
    await fill(zip);
    await zip.close();
    await sink.close();
  } finally {
    await handle.close();
  }
}

const python = (script: string, path: string) =>
  execFileSync('python3', ['-c', `import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n${script}`, path], { encoding: 'utf8' }).trim();

describe('ZipStreamWriter', () => {
  it('stores and deflates entries that other readers extract byte for byte, with UTF-8 names and the given date', async () => {
    const path = join(dir, 'a.zip');
    const text = 'données personnelles, '.repeat(5_000);
    await writeZip(path, async (zip) => {
      await zip.add('stored/été.bin', chunks('abc', '', 'def'), { level: 0 });
      await zip.add('deflated.txt', chunks(text.slice(0, 1000), text.slice(1000)), { level: 6 });
      await zip.add('empty.txt', chunks(), { level: 6 });
    });
    expect(python('print(z.testzip(), [(i.filename, i.file_size, i.compress_type, i.date_time) for i in z.infolist()])', path)).toBe(
      `None [('stored/été.bin', 6, 0, (2025, 3, 1, 10, 20, 30)), ('deflated.txt', ${Buffer.byteLength(text)}, 8, (2025, 3, 1, 10, 20, 30)), ('empty.txt', 0, 8, (2025, 3, 1, 10, 20, 30))]`,
    );
    expect(python("print(z.read('deflated.txt').decode() == sys.argv[2])".replace('sys.argv[2]', JSON.stringify(text)), path)).toBe('True');
    expect(execFileSync('unzip', ['-t', path], { encoding: 'utf8' })).toContain('No errors detected');
    // Deflate did its work: the text shrank.
    expect((await readFile(path)).length).toBeLessThan(Buffer.byteLength(text) / 10);
  });

  it('switches to ZIP64 end records by itself past 65,535 entries', async () => {
    const path = join(dir, 'many.zip');
    const count = 70_000;
    await writeZip(path, async (zip) => {
      for (let i = 0; i < count; i += 1) await zip.add(`f/${i}.txt`, chunks(String(i)), { level: 0 });
    });
    const bytes = await readFile(path);
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(0);
    expect(python("print(z.testzip(), len(z.namelist()), z.read('f/69999.txt').decode())", path)).toBe(`None ${count} 69999`);
    expect(execFileSync('unzip', ['-t', '-qq', path], { encoding: 'utf8' }).trim()).toBe('');
  });

  it('writes ZIP64 sizes and offsets that readers take over the 32-bit fields', async () => {
    const path = join(dir, 'zip64.zip');
    await writeZip(
      path,
      async (zip) => {
        await zip.add('one.txt', chunks('hello '.repeat(100)), { level: 6 });
        await zip.add('two.bin', chunks('x'.repeat(5000)), { level: 0 });
      },
      true,
    );
    expect(python('print(z.testzip(), [(i.filename, i.file_size, i.header_offset) for i in z.infolist()])', path)).toMatch(
      /^None \[\('one\.txt', 600, 0\), \('two\.bin', 5000, \d+\)\]$/,
    );
    expect(execFileSync('unzip', ['-t', path], { encoding: 'utf8' })).toContain('No errors detected');
  });

  it('stops on an aborted signal and closes the source', async () => {
    const path = join(dir, 'abort.zip');
    const controller = new AbortController();
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          yield Buffer.alloc(1024);
          controller.abort();
        }
      } finally {
        closed = true;
      }
    }
    await expect(writeZip(path, (zip) => zip.add('x.txt', source(), { level: 6, signal: controller.signal }))).rejects.toThrow();
    expect(closed).toBe(true);
  });
});
