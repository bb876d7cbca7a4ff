import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp';
import { createMemoryLogger } from '../../src/main/core/log/logger';
import { startHost, MAX_BODY_BYTES, type Host } from '../../src/main/host/server';
import { saveExportRecord, ensureExportsDir, exportZipPath } from '../../src/main/core/subjects/exports';
import { hostileZip, rawFile } from '../../src/main/core/archive/testing/hostile-zip';
import { writeArchive } from '../../src/main/core/archive/write-archive';
import { fixtureInput } from '../../src/main/core/archive/testing/fixture';
import { createTestCore, type TestCore } from '../support/core';
import { rawRequest } from '../support/http';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv';
let ctx: TestCore;
let host: Host;
let rendererDir: string;
let outside: string;
let log: ReturnType<typeof createMemoryLogger>;

beforeAll(async () => {
  ctx = await createTestCore();
  const root = await mkdtemp(join(tmpdir(), 'lethe-host-'));
  rendererDir = join(root, 'renderer');
  outside = join(root, 'secret.txt');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Lethe</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(outside, 'must not be served');
  log = createMemoryLogger();
  host = await startHost({ core: ctx.core, rendererDir, token: TOKEN, port: 0, log });
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

  it('downloads a deletion receipt only with the token, by strict workspace and run ids (#19 item 8)', async () => {
    const runId = '01890a5d-ac96-774b-bcce-b302099a8057';
    const dir = join(ctx.dataDir, 'receipts', 'ws_abcdefgh12');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `erasure-${runId}.html`), '<h1>Deletion receipt for DSR-000001</h1>');
    await writeFile(join(dir, `erasure-${runId}.json`), '{"format":"lethe-erasure-receipt/1"}');
    const headers = { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${TOKEN}` };
    const html = await rawRequest(host.port, { path: `/api/receipts/ws_abcdefgh12/${runId}.html`, headers });
    expect(html.status).toBe(200);
    expect(html.body).toContain('DSR-000001');
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-disposition']).toContain(`filename="erasure-${runId}.html"`);
    const json = await rawRequest(host.port, { path: `/api/receipts/ws_abcdefgh12/${runId}.json`, headers });
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.body).toContain('lethe-erasure-receipt/1');
    expect(
      (await rawRequest(host.port, { path: `/api/receipts/ws_abcdefgh12/${runId}.html`, headers: { Host: headers.Host } })).status,
    ).toBe(401);
    const missing = await rawRequest(host.port, { path: `/api/receipts/ws_abcdefgh12/${runId.replace('a8057', 'a8058')}.html`, headers });
    expect(missing.status).toBe(404);
    for (const path of [
      `/api/receipts/ws_abcdefgh12/../../lethe.json`,
      `/api/receipts/ws_abcdefgh12/${runId}.txt`,
      `/api/receipts/..%2f..%2flethe/${runId}.html`,
    ]) {
      const res = await rawRequest(host.port, { path, headers });
      expect(res.status, path).not.toBe(200);
      expect(res.body, path).not.toContain('workspaces');
    }
  });

  it('answers 400, not 500, to an operation name that is not valid percent-encoding', async () => {
    for (const path of ['/api/%E0%A4%A', '/api/%', '/api/app%2']) {
      const res = await api(path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body), path).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });

  it('takes JSON by its exact media type, with or without a UTF-8 charset', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset="UTF-8"',
      'application/json ; charset=utf-8',
    ]) {
      expect((await api('/api/app.info', { 'Content-Type': type })).status, type).toBe(200);
    }
    for (const type of [
      'application/jsonx',
      'application/json-patch+json',
      'application/json; charset=latin1',
      'application/json, text/plain',
      'text/plain; application/json',
      '',
    ]) {
      const res = await api('/api/app.info', { 'Content-Type': type });
      expect(res.status, type).toBe(400);
      expect(JSON.parse(res.body), type).toMatchObject({ error: { code: 'invalid_input' } });
    }
  });

  describe('files in browser mode: only the exports folder', () => {
    async function realExport(exportId: string): Promise<string> {
      await ensureExportsDir(ctx.dataDir);
      const path = exportZipPath(ctx.dataDir, exportId);
      await writeArchive(fixtureInput(), { targetPath: path });
      return path;
    }

    it('refuses a path outside it the same way whether or not the file exists (no existence oracle)', async () => {
      const answers = new Set<string>();
      for (const path of [
        outside,
        join(rendererDir, '..', 'nothing-here.zip'),
        '/etc/passwd',
        '/nonexistent/x.zip',
        join(ctx.dataDir, 'lethe.json'),
      ]) {
        const res = await api('/api/archives.verify', {}, JSON.stringify({ path }));
        expect(res.status, path).toBe(403);
        const body = JSON.parse(res.body) as { error: { code: string; message: string } };
        expect(body.error.code, path).toBe('forbidden');
        answers.add(`${res.status} ${res.body}`);
      }
      expect(answers.size).toBe(1);
    });

    it('refuses a symlink in the exports folder that leads out of it, and checks a real export there', async () => {
      const real = await realExport('exp_00000000000000000000beef');
      const link = join(ctx.dataDir, 'exports', 'exp_00000000000000000000feed.zip');
      await symlink(outside, link);
      const refused = await api('/api/archives.verify', {}, JSON.stringify({ path: link }));
      expect(refused.status).toBe(403);
      const dotted = await api('/api/archives.verify', {}, JSON.stringify({ path: `${join(ctx.dataDir, 'exports')}/../lethe.json` }));
      expect(dotted.status).toBe(403);
      const ok = await api('/api/archives.verify', {}, JSON.stringify({ path: real }));
      expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { ok: true } });
    });

    it('stops verifying when the client disconnects', async () => {
      // 32 MiB stored: long enough to be running when the client goes, small enough to stay quick.
      const zeros = Buffer.alloc(32 * 1024 * 1024);
      const exportId = 'exp_0000000000000000000cafe0';
      const path = await realExport(exportId);
      const { readZip } = await import('../../src/main/core/archive/testing/zip-files');
      const real = JSON.parse((await readZip(path)).get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
      const files = [{ path: 'data/zeros.bin', size: zeros.length, sha256: createHash('sha256').update(zeros).digest('hex') }];
      await writeFile(
        path,
        hostileZip(
          [rawFile('manifest.json', Buffer.from(JSON.stringify({ ...real, files }))), rawFile('data/zeros.bin', zeros, 0)],
          [
            { name: 'manifest.json', local: 0 },
            { name: 'data/zeros.bin', local: 1 },
          ],
        ),
      );
      const body = JSON.stringify({ path });
      await new Promise<void>((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: '/api/archives.verify',
          headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.end(body, () => req.destroy());
      });
      // The host says how each call ended; this one ended because its client went away.
      const line = () => log.lines.find((l) => l.includes('archives.verify') && l.includes('client disconnected'));
      while (!line()) await new Promise((r) => setTimeout(r, 20));
      expect(line()).toContain('cancelled');
    });
  });
});
