import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { GuardVerdict } from './request-guard';

/** Keys of a call's input that name a file or folder on this machine: `path`, `outputPath`, `file`, `targetDir`… (not `profile`). */
export const PATH_KEY = /^(path|file|dir|directory)$|[a-z0-9](Path|File|Dir|Directory)$/;

const REFUSED: GuardVerdict = {
  ok: false,
  status: 403,
  code: 'forbidden',
  message: "In browser mode Lethe reads and writes files only in its own exports folder; give an export's id",
};

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

function pathValues(value: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string' && PATH_KEY.test(key)) out.push(inner);
    else pathValues(inner, depth + 1, out);
  }
  return out;
}

/**
 * Browser mode serves whoever holds the session token, maybe through a page they were tricked
 * into: a path in a call may only name something inside the exports folder. A path outside it is
 * refused before the disk is touched, with one answer whether or not it exists (no oracle); a path
 * inside it is resolved, so a symlink there cannot lead out.
 */
export async function checkPaths(payload: unknown, allowedDir: string): Promise<GuardVerdict> {
  const values = pathValues(payload);
  if (values.length === 0) return { ok: true };
  const root = await realpath(allowedDir).catch(() => resolve(allowedDir));
  for (const value of values) {
    if (!isAbsolute(value)) return REFUSED;
    const path = resolve(value);
    if (!inside(resolve(allowedDir), path)) return REFUSED;
    const real = await realpath(path).catch(() => null);
    // Missing inside the folder: the core says not_found, which tells nothing the export list does not.
    if (real !== null && !inside(root, real)) return REFUSED;
  }
  return { ok: true };
}
