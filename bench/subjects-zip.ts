import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, open, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import yazl from 'yazl';
import { ZipStreamWriter } from '../src/main/core/archive/zip-stream';

/**
 * The `subjects` bench's file-level comparisons on one set of files (the archive's attachments):
 * - copy: `fs.copyFile` (copy_file_range / reflink where the kernel has it) and an fsync per file,
 *   the fastest way the machine can move these bytes, so "archive over copy" means something;
 * - zip_stream: our writer (src/main/core/archive/zip-stream.ts), the entries stored as the
 *   archive stores PDFs, written to one file and fsynced;
 * - yazl: the same entries through yazl 3.3.1 (`addReadStream`, `compress: false`), same sink.
 * Each reports wall and CPU seconds and peak RSS growth (sampled every 10 ms) over its own run.
 */

const MB = 1024 * 1024;
const round = (n: number) => Math.round(n * 100) / 100;

export interface Measured {
  wall_s: number;
  cpu_s: number;
  mb_per_s: number;
  peak_rss_growth_mb: number;
}

async function measure(bytes: number, run: () => Promise<void>): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const cpu = process.cpuUsage();
  const start = performance.now();
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    wall_s: round(wall),
    cpu_s: round((used.user + used.system) / 1e6),
    mb_per_s: round(bytes / MB / wall),
    peak_rss_growth_mb: round((peak - baseline) / MB),
  };
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.sync();
  await handle.close();
}

async function finish(out: WriteStream, path: string): Promise<void> {
  out.end();
  await once(out, 'close');
  await fsync(path);
}

/** The copy baseline: kernel-side copies, then fsync, as a backup tool would do it. */
export async function copyBaseline(paths: string[], bytes: number): Promise<Measured> {
  const result = await measure(bytes, async () => {
    for (const path of paths) {
      await copyFile(path, `${path}.copy`);
      await fsync(`${path}.copy`);
    }
  });
  for (const path of paths) await rm(`${path}.copy`);
  return result;
}

export async function zipStreamWriter(paths: string[], bytes: number, dir: string): Promise<Measured> {
  const target = join(dir, 'zip-stream.zip');
  const result = await measure(bytes, async () => {
    const out = createWriteStream(target);
    const sink = {
      write: async (chunk: Uint8Array) => {
        if (!out.write(chunk)) await once(out, 'drain');
      },
    };
    const zip = new ZipStreamWriter(sink, { date: new Date('2026-01-01T00:00:00Z') });
    for (const path of paths) await zip.add(`attachments/${basename(path)}`, createReadStream(path, { highWaterMark: MB }), { level: 0 });
    await zip.close();
    await finish(out, target);
  });
  await rm(target);
  return result;
}

export async function yazlWriter(paths: string[], bytes: number, dir: string): Promise<Measured> {
  const target = join(dir, 'yazl.zip');
  const result = await measure(bytes, async () => {
    const zip = new yazl.ZipFile();
    const out = createWriteStream(target);
    zip.outputStream.pipe(out);
    const mtime = new Date('2026-01-01T00:00:00Z');
    // yazl queues entries and reads each stream only when its turn comes: memory stays bounded.
    for (const path of paths)
      zip.addReadStream(createReadStream(path, { highWaterMark: MB }), `attachments/${basename(path)}`, { compress: false, mtime });
    zip.end();
    await once(out, 'close');
    await fsync(target);
  });
  await rm(target);
  return result;
}
