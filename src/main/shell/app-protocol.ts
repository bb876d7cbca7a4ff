import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { APP_RESPONSE_HEADERS } from './csp';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type AppRequestCheck = { ok: true; segments: readonly string[] } | { ok: false; status: 400 | 403 | 405; reason: string };

/**
 * Decides from the method and the raw URL alone whether a request may touch the file system, and
 * which path segments it names. The raw string is inspected, not only `new URL().pathname`:
 * the URL parser silently resolves `..` and `%2e%2e`, which would turn a traversal attempt into
 * a different, valid-looking file instead of a refusal.
 */
export function checkAppRequest(method: string, rawUrl: string): AppRequestCheck {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: 'only GET and HEAD are served' };
  const prefix = `${APP_SCHEME}://${APP_HOST}`;
  if (!rawUrl.toLowerCase().startsWith(prefix)) return { ok: false, status: 403, reason: 'foreign origin' };
  const rest = rawUrl.slice(prefix.length);
  if (rest.length > 0 && !/^[/?#]/.test(rest)) return { ok: false, status: 403, reason: 'foreign authority' };
  const rawPath = rest.split(/[?#]/, 1)[0] ?? '';
  if (rawPath.includes('\\')) return { ok: false, status: 400, reason: 'backslash in path' };
  if (/%2f|%5c|%00/i.test(rawPath)) return { ok: false, status: 400, reason: 'encoded separator or NUL in path' };
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw.length === 0) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (decoded === '.' || decoded === '..') return { ok: false, status: 403, reason: 'dot segment in path' };
    if (decoded.includes('\0') || decoded.includes('/') || decoded.includes('\\')) {
      return { ok: false, status: 400, reason: 'separator or NUL in segment' };
    }
    // A drive letter (`C:`) would make path.resolve jump to another root on Windows.
    if (/^[a-zA-Z]:/.test(decoded)) return { ok: false, status: 403, reason: 'absolute path' };
    segments.push(decoded);
  }
  // Cross-check with the parser the engine uses: the host must be exactly ours.
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL' };
  }
  if (parsed.hostname !== APP_HOST || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') {
    return { ok: false, status: 403, reason: 'foreign authority' };
  }
  return { ok: true, segments };
}

export type ResolvedFile = { kind: 'file'; path: string } | { kind: 'missing' } | { kind: 'refused'; reason: string };

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Maps checked segments to a real file under `root`. Both lexically and after `realpath`, the
 * file must stay inside the root, so a symlink in the build output cannot point elsewhere.
 * Paths without an extension are client-side routes and get index.html; a missing asset (with
 * an extension) stays a 404 so a broken build is visible instead of serving HTML as script.
 */
export async function resolveAppFile(root: string, segments: readonly string[]): Promise<ResolvedFile> {
  const rootReal = await realpath(root);
  const wanted = segments.length === 0 ? 'index.html' : segments.join('/');
  const candidate = resolve(rootReal, wanted);
  if (!isInside(rootReal, candidate)) return { kind: 'refused', reason: 'outside the renderer root' };
  const index = join(rootReal, 'index.html');
  const isRoute = extname(candidate) === '';
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return isRoute ? { kind: 'file', path: index } : { kind: 'missing' };
  }
  if (!isInside(rootReal, real)) return { kind: 'refused', reason: 'symlink leaves the renderer root' };
  const info = await stat(real);
  if (info.isFile()) return { kind: 'file', path: real };
  return isRoute ? { kind: 'file', path: index } : { kind: 'missing' };
}

export interface AppProtocolLog {
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * The `protocol.handle('app', …)` handler, written against the web-standard Request/Response so
 * it runs (and is tested) in plain Node.
 */
export function createAppRequestHandler(options: { root: string; log: AppProtocolLog }): (request: Request) => Promise<Response> {
  return async (request) => {
    const check = checkAppRequest(request.method, request.url);
    if (!check.ok) {
      options.log.warn(`app:// refused (${check.status}): ${check.reason}`);
      return plain(check.status, check.reason);
    }
    try {
      const file = await resolveAppFile(options.root, check.segments);
      if (file.kind === 'refused') {
        options.log.warn(`app:// refused (403): ${file.reason}`);
        return plain(403, file.reason);
      }
      if (file.kind === 'missing') return plain(404, 'not found');
      const body = await readFile(file.path);
      const headers = { ...APP_RESPONSE_HEADERS, 'Content-Type': contentTypeFor(file.path), 'Content-Length': String(body.length) };
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
    } catch (error) {
      options.log.error('app:// failed to serve a file', error);
      return plain(500, 'could not read the file');
    }
  };
}
