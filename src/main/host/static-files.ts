import { realpath, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Maps a URL path to a file under `root`, refusing anything that could escape it: encoded
 * separators, dot segments (raw or percent-encoded), NUL bytes and symlinks pointing outside.
 * Paths without an extension fall back to index.html so client-side routes load the app.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(urlPath)) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const rootReal = await realpath(root);
  const wanted = segments.length === 0 ? 'index.html' : segments.join('/');
  let candidate = resolve(rootReal, wanted);
  if (!candidate.startsWith(rootReal + sep)) return null;
  if (extname(candidate) === '') candidate = join(rootReal, 'index.html');
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(rootReal + sep)) return null;
    if (!(await stat(real)).isFile()) return null;
    return { body: await readFile(real), contentType: CONTENT_TYPES[extname(real)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
