import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAppRequest, contentTypeFor, createAppRequestHandler, resolveAppFile } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './csp';

describe('checkAppRequest', () => {
  it('accepts GET and HEAD of the app origin and splits the path', () => {
    expect(checkAppRequest('GET', 'app://lethe/')).toEqual({ ok: true, segments: [] });
    expect(checkAppRequest('GET', 'app://lethe')).toEqual({ ok: true, segments: [] });
    expect(checkAppRequest('HEAD', 'app://lethe/assets/index-abc.js?v=1#x')).toEqual({
      ok: true,
      segments: ['assets', 'index-abc.js'],
    });
    expect(checkAppRequest('GET', 'app://lethe/a%20b.css')).toEqual({ ok: true, segments: ['a b.css'] });
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'get'])('refuses method %s', (method) => {
    expect(checkAppRequest(method, 'app://lethe/')).toMatchObject({ ok: false, status: 405 });
  });

  it.each([
    'app://other/',
    'app://lethe.evil.example/',
    'app://lethe:8080/',
    'app://user@lethe/',
    'app://lethe@evil/',
    'app://lethe%2e/',
    'https://lethe/',
    'file:///etc/passwd',
  ])('refuses the foreign origin %s', (url) => {
    expect(checkAppRequest('GET', url)).toMatchObject({ ok: false, status: 403 });
  });

  it.each([
    ['raw dot-dot', 'app://lethe/../../etc/passwd', 403],
    ['dot-dot in the middle', 'app://lethe/assets/../../secret', 403],
    ['single dot', 'app://lethe/./index.html', 403],
    ['encoded dot-dot', 'app://lethe/%2e%2e/%2e%2e/etc/passwd', 403],
    ['upper-case encoded dot-dot', 'app://lethe/%2E%2E/x', 403],
    ['half-encoded dot-dot', 'app://lethe/.%2e/x', 403],
    ['encoded slash', 'app://lethe/..%2f..%2fetc/passwd', 400],
    ['encoded backslash', 'app://lethe/..%5c..%5cwindows', 400],
    ['raw backslash', 'app://lethe/..\\..\\windows', 400],
    ['encoded NUL', 'app://lethe/index.html%00.png', 400],
    ['malformed percent', 'app://lethe/%E0%A4%A', 400],
    ['drive letter', 'app://lethe/C:/Windows/win.ini', 403],
    ['encoded drive letter', 'app://lethe/c%3A/x', 403],
  ])('refuses %s', (_label, url, status) => {
    expect(checkAppRequest('GET', url)).toMatchObject({ ok: false, status });
  });
});

describe('resolveAppFile and the handler', () => {
  let base: string;
  let root: string;
  const log = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'lethe-app-protocol-'));
    root = join(base, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Lethe</title>');
    await writeFile(join(root, 'assets', 'main.js'), 'console.log(1)');
    await writeFile(join(base, 'secret.txt'), 'outside the root');
    await symlink(join(base, 'secret.txt'), join(root, 'assets', 'leak.js'));
    await symlink(base, join(root, 'escape'));
    await symlink(join(root, 'assets', 'main.js'), join(root, 'assets', 'alias.js'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('serves files under the root and index.html for the root', async () => {
    expect(await resolveAppFile(root, [])).toEqual({ kind: 'file', path: join(root, 'index.html') });
    expect(await resolveAppFile(root, ['assets', 'main.js'])).toEqual({ kind: 'file', path: join(root, 'assets', 'main.js') });
  });

  it('follows a symlink that stays inside the root', async () => {
    expect(await resolveAppFile(root, ['assets', 'alias.js'])).toEqual({ kind: 'file', path: join(root, 'assets', 'main.js') });
  });

  it('refuses symlinks that escape the root', async () => {
    expect(await resolveAppFile(root, ['assets', 'leak.js'])).toMatchObject({ kind: 'refused' });
    expect(await resolveAppFile(root, ['escape', 'secret.txt'])).toMatchObject({ kind: 'refused' });
  });

  it('falls back to index.html only for extension-less routes', async () => {
    expect(await resolveAppFile(root, ['subjects', '42'])).toEqual({ kind: 'file', path: join(root, 'index.html') });
    expect(await resolveAppFile(root, ['assets'])).toEqual({ kind: 'file', path: join(root, 'index.html') });
    expect(await resolveAppFile(root, ['assets', 'missing.js'])).toEqual({ kind: 'missing' });
  });

  it('refuses segments that would resolve outside the root even if they slipped past the URL check', async () => {
    expect(await resolveAppFile(root, ['..', 'secret.txt'])).toMatchObject({ kind: 'refused' });
    expect(await resolveAppFile(root, [join(base, 'secret.txt')])).toMatchObject({ kind: 'refused' });
  });

  it('answers GET with the file, its type and the CSP header', async () => {
    const handler = createAppRequestHandler({ root, log });
    const response = await handler(new Request('app://lethe/assets/main.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers HEAD with headers and no body', async () => {
    const handler = createAppRequestHandler({ root, log });
    const response = await handler(new Request('app://lethe/', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.body).toBeNull();
  });

  it('serves the app for a client route and 404 for a missing asset, both with the CSP', async () => {
    const handler = createAppRequestHandler({ root, log });
    const route = await handler(new Request('app://lethe/requests/123'));
    expect(await route.text()).toContain('<title>Lethe</title>');
    const missing = await handler(new Request('app://lethe/assets/nope.css'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses POST, foreign hosts and escaping symlinks without reading them', async () => {
    const warnings: string[] = [];
    const handler = createAppRequestHandler({ root, log: { warn: (m) => warnings.push(m), error: () => undefined } });
    const post = await handler(new Request('app://lethe/', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    const foreign = await handler(new Request('app://evil/index.html'));
    expect(foreign.status).toBe(403);
    const leak = await handler(new Request('app://lethe/assets/leak.js'));
    expect(leak.status).toBe(403);
    expect(await leak.text()).not.toContain('outside the root');
    expect(warnings).toHaveLength(3);
  });

  it('returns 500, not a crash, when the root itself is missing', async () => {
    const handler = createAppRequestHandler({ root: join(base, 'no-such-dir'), log });
    const response = await handler(new Request('app://lethe/'));
    expect(response.status).toBe(500);
  });
});

describe('contentTypeFor', () => {
  it('knows the build output types and falls back to octet-stream', () => {
    expect(contentTypeFor('a/b.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
  });
});
