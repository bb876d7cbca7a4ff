import { createReadStream } from 'node:fs';
import { link, lstat, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { syncDirectory, tempPathFor } from '../main/core/fs/atomic-write';
import { CliFailure, EXIT } from './cli-error';

/**
 * Files the CLI writes for a person (`--out`): they hold personal data, so they are created 0600
 * whatever was there before, never written through a symlink, and never replace an existing file
 * unless `--force` says so. Checked before any work, so a bad `--out` costs nothing.
 */

const refuse = (message: string): CliFailure => new CliFailure({ code: 'invalid_output', message }, EXIT.usage);

/** The absolute target, once it is known to be writable as asked; throws `invalid_output` otherwise. */
export async function checkOutputTarget(out: string, force: boolean): Promise<string> {
  const target = resolve(out);
  const parent = await stat(dirname(target)).catch(() => null);
  if (parent === null || !parent.isDirectory()) throw refuse(`The folder of ${out} does not exist`);
  const existing = await lstat(target).catch(() => null);
  if (existing === null) return target;
  if (existing.isDirectory()) throw refuse(`${out} is a folder; give a file name`);
  if (!force) throw refuse(`${out} already exists; choose another name, or add --force to replace it`);
  if (!existing.isFile() && !existing.isSymbolicLink()) throw refuse(`${out} is not a regular file`);
  return target;
}

/**
 * Fills a new 0600 file beside `target` through the handle that created it, then puts it in
 * place: renamed over the old entry with `force` (a symlink there is replaced, its target left
 * alone), hard-linked without it, which fails rather than replace a file that appeared since the
 * check.
 */
export async function placeOutput(target: string, force: boolean, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  const temp = tempPathFor(target);
  try {
    // O_EXCL: a name someone planted there (a symlink) is refused, not followed.
    const handle = await open(temp, 'wx', 0o600);
    try {
      await fill(handle);
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (force) await rename(temp, target);
    else {
      await link(temp, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') throw refuse(`${target} appeared while Lethe was working; nothing was replaced`);
        throw error;
      });
    }
    await syncDirectory(dirname(target));
  } finally {
    await rm(temp, { force: true });
  }
}

export function writeOutput(target: string, force: boolean, data: string | Uint8Array): Promise<void> {
  return placeOutput(target, force, (handle) => handle.writeFile(data));
}

export function copyOutput(from: string, target: string, force: boolean): Promise<void> {
  return placeOutput(target, force, async (handle) => {
    for await (const chunk of createReadStream(from)) await handle.write(chunk as Buffer);
  });
}
