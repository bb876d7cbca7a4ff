import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp';
import { createMemoryLogger } from '../../src/main/core/log/logger';
import { startHost, MAX_BODY_BYTES, type Host } from '../../src/main/host/server';
import { saveExportRecord, ensureExportsDir, exportZipPath } from '../../src/main/core/subjects/exports';
import { createTestCore, type TestCore } from '../support/core';
import { rawRequest } from '../support/http';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv';
let ctx: TestCore;
let host: Host;
let rendererDir: string;
let outside: string;

beforeAll(async () => {
  ctx = await createTestCore();
  const root = await mkdtemp(join(tmpdir(), 'lethe-host-'));
  rendererDir = join(root, 'renderer');
  outside = join(root, 'secret.txt');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Lethe</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(outside, 'must not be served');
  host = await startHost({ core: ctx.core, rendererDir, token: TOKEN, port: 0, log: createMemoryLogger() });
});

afterAll(async () => {
  await host.close();
  await ctx.dispose();
  await rm(join(rendererDir, '..'), { recursive: true, force: true });
});

const api = (path: string, headers: Record<string, string> = {}, body = '{}') =>
  rawRequest(host.port, {
    method: 'POST',
    path,
    headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
    body,
  });

describe('browser-mode host', () => {
  it('answers an authorised API call with the result envelope and the CSP', async () => {
    const res = await api('/api/app.info');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { name: 'Lethe' } });
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses a call without the token, or with a wrong one, with 401', async () => {
    const none = await rawRequest(host.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await api('/api/app.info', { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    const basic = await api('/api/app.info', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(401);
  });

  it('refuses a Host header other than the loopback address and port (DNS rebinding)', async () => {
    for (const hostHeader of ['evil.example', `evil.example:${host.port}`, '127.0.0.1:1', `127.0.0.2:${host.port}`]) {
      const res = await api('/api/app.info', { Host: hostHeader });
      expect(res.status, hostHeader).toBe(403);
      const page = await rawRequest(host.port, { path: '/', headers: { Host: hostHeader } });
      expect(page.status, hostHeader).toBe(403);
    }
    expect((await api('/api/app.info', { Host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('refuses cross-origin and cross-site requests even with the token', async () => {
    expect((await api('/api/app.info', { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await api('/api/app.info', { Origin: 'null' })).status).toBe(403);
    expect((await api('/api/app.info', { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await api('/api/app.info', { Origin: `http://127.0.0.1:${host.port}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });

  it('refuses bad bodies with stable codes', async () => {
    expect(JSON.parse((await api('/api/app.info', {}, '{not json')).body)).toMatchObject({ error: { code: 'invalid_input' } });
    expect(JSON.parse((await api('/api/app.info', { 'Content-Type': 'text/plain' })).body)).toMatchObject({
      error: { code: 'invalid_input' },
    });
    const big = await api('/api/settings.set', {}, JSON.stringify({ organizationName: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await api('/api/nope.nothing')).status).toBe(404);
    const get = await rawRequest(host.port, {
      path: '/api/app.info',
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${TOKEN}` },
    });
    expect(get.status).toBe(405);
  });

  it('serves the renderer with client-side route fallback and never outside its folder', async () => {
    const headers = { Host: `127.0.0.1:${host.port}` };
    const index = await rawRequest(host.port, { path: '/', headers });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Lethe</title>');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await rawRequest(host.port, { path: '/assets/app.js', headers })).status).toBe(200);
    expect((await rawRequest(host.port, { path: '/settings', headers })).body).toContain('<title>Lethe</title>');
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/missing.js',
    ]) {
      const res = await rawRequest(host.port, { path, headers });
      expect(res.body, path).not.toContain('must not be served');
      expect(res.status === 404 || res.body.includes('<title>Lethe</title>'), path).toBe(true);
    }
    expect((await rawRequest(host.port, { method: 'POST', path: '/', headers })).status).toBe(405);
  });

  it('streams core events to an authorised client', async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.url}api/events`, { headers: { Authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // the ": connected" comment
    await api(
      '/api/workspaces.create',
      {},
      JSON.stringify({ name: 'Ev', address: { subdomain: 'ev' }, email: 'e@e.example', apiToken: 'abcdefgh12345678' }),
    );
    let text = '';
    while (!text.includes('workspaces.changed')) text += (await reader.read()).value ?? '';
    expect(text).toContain('"name":"workspaces.changed"');
    controller.abort();
  });

  it('downloads a produced archive only with the token, by strict id, with a safe file name', async () => {
    const exportId = 'exp_0123456789abcdef01234567';
    await ensureExportsDir(ctx.dataDir);
    await writeFile(exportZipPath(ctx.dataDir, exportId), 'PK fake zip bytes');
    await saveExportRecord(ctx.dataDir, {
      exportId,
      workspaceId: 'ws_abcdefgh12',
      ref: 'subj_1234567',
      kind: 'access',
      regulation: 'GDPR',
      requestId: null,
      fileName: 'access "José".zip',
      path: exportZipPath(ctx.dataDir, exportId),
      sha256: 'a'.repeat(64),
      size: 17,
      files: 1,
      attachments: 0,
      attachmentsUnavailable: 0,
      encrypted: false,
      createdAt: '2026-11-28T10:00:00Z',
    });
    const headers = { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${TOKEN}` };
    const ok = await rawRequest(host.port, { path: `/api/exports/${exportId}`, headers });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('PK fake zip bytes');
    expect(ok.headers['content-type']).toBe('application/zip');
    expect(ok.headers['content-disposition']).toBe(
      `attachment; filename="access _Jos_.zip"; filename*=UTF-8''access%20%22Jos%C3%A9%22.zip`,
    );
    expect((await rawRequest(host.port, { path: `/api/exports/${exportId}`, headers: { Host: headers.Host } })).status).toBe(401);
    expect((await rawRequest(host.port, { path: '/api/exports/exp_ffffffffffffffffffffffff', headers })).status).toBe(404);
    for (const path of [
      '/api/exports/../lethe.json',
      '/api/exports/exp_0123456789abcdef01234567.json',
      '/api/exports/%2e%2e%2flethe.json',
    ]) {
      const res = await rawRequest(host.port, { path, headers });
      expect(res.status, path).not.toBe(200);
      expect(res.body, path).not.toContain('workspaces');
    }
  });
});
