import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core/create-core';
import { createMemoryLogger } from '../core/log/logger';
import { MemorySecretStore } from '../core/secrets/secret-store';
import { DEMO_WORKSPACE_ID } from '../core/workspaces/workspace-service';
import type { TestCore } from '../../../test/support/core';
import { DEMO_REQUESTS } from './demo-register';
import { demoLauncher } from './start-demo';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** One process of `serve --demo`: a core with a real simulator, over a data directory on disk. */
async function demoProcess(dataDir: string): Promise<{ core: Core; call: TestCore['call']; close: () => Promise<void> }> {
  const demo = demoLauncher();
  const core = await createCore({
    dataDir,
    face: 'cli',
    secrets: new MemorySecretStore(),
    log: createMemoryLogger(),
    startDemo: demo.start,
  });
  const started = await core.router.call('demo.start', {});
  if (!started.ok) throw new Error(started.error.message);
  return {
    core,
    call: (name, input) => core.router.call(name, input) as never,
    close: async () => {
      await core.close();
      await demo.close();
    },
  };
}

async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('the demo workspace', () => {
  it('starts with its register filled, and a restart on the same data directory reads it again', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lethe-demo-'));
    dirs.push(dataDir);

    const first = await demoProcess(dataDir);
    await first.core.demoReady();
    const listed = await value(
      first.call('requests.list', { workspaceId: DEMO_WORKSPACE_ID, includeClosed: true, includeUnverified: true }),
    );
    expect(listed.requests).toHaveLength(DEMO_REQUESTS.length);
    const statuses = new Set(listed.requests.map((r) => r.status));
    expect([...statuses].sort()).toEqual(['awaiting_approval', 'completed', 'denied', 'in_progress', 'received', 'verifying', 'withdrawn']);
    expect(new Set(listed.requests.map((r) => r.regulation))).toEqual(new Set(['GDPR', 'UK_GDPR', 'CCPA', 'LGPD']));
    expect(new Set(listed.requests.map((r) => r.type)).size).toBe(7);
    expect(listed.requests.filter((r) => r.dueIn?.urgency === 'overdue')).toHaveLength(1);
    expect(
      listed.requests.filter((r) => r.dueIn !== null && r.dueIn.daysRemaining >= 0 && r.dueIn.daysRemaining <= 7).length,
    ).toBeGreaterThan(1);
    expect(listed.requests.filter((r) => r.extension?.noticeAt)).toHaveLength(1);
    expect(listed.requests.every((r) => r.subjectId !== null && r.notes.startsWith('Demo data'))).toBe(true);
    const completed = listed.requests.find((r) => r.status === 'completed');
    // Answered with its archive and the receipt of that answer, each linked by the hash of its bytes.
    expect(completed?.links.map((l) => l.kind)).toEqual(['archive', 'receipt']);
    const receiptLink = completed!.links.find((l) => l.kind === 'receipt')!;
    const receiptBytes = await readFile(join(dataDir, 'receipts', DEMO_WORKSPACE_ID, receiptLink.ref));
    expect(createHash('sha256').update(receiptBytes).digest('hex')).toBe(receiptLink.sha256);
    const receipt = JSON.parse(receiptBytes.toString('utf8')) as Record<string, unknown>;
    expect(receipt).toMatchObject({
      format: 'lethe-access-receipt/1',
      demo: true,
      request: { reference: completed!.reference, regulation: 'GDPR', type: 'access' },
      answeredAt: completed!.closedAt,
      archive: { sha256: completed!.links.find((l) => l.kind === 'archive')!.sha256 },
    });
    expect(String(receipt.note)).toMatch(/^Demo data/);
    // It names nobody: neither the requester's name nor any e-mail address.
    expect(receiptBytes.toString('utf8')).not.toContain(completed!.requester.name!);
    expect(receiptBytes.toString('utf8')).not.toMatch(/@/);
    const audit = await value(first.call('audit.verify', { workspaceId: DEMO_WORKSPACE_ID }));
    expect(audit).toMatchObject({ ok: true });
    await first.close();
    expect(existsSync(join(dataDir, 'workspaces', DEMO_WORKSPACE_ID, 'register.db'))).toBe(true);

    // The second process has a new in-memory key: the old stores were unreadable and are recreated.
    const second = await demoProcess(dataDir);
    try {
      const again = await value(
        second.call('requests.list', { workspaceId: DEMO_WORKSPACE_ID, includeClosed: true, includeUnverified: true }),
      );
      expect(again.requests).toHaveLength(DEMO_REQUESTS.length);
      expect(again.requests.map((r) => r.reference).sort()).toEqual(listed.requests.map((r) => r.reference).sort());
      expect(await value(second.call('audit.verify', { workspaceId: DEMO_WORKSPACE_ID }))).toMatchObject({ ok: true });
      // A second demo.start in the same process keeps what the officer did since.
      await value(second.call('demo.start', {}));
      const third = await value(
        second.call('requests.list', { workspaceId: DEMO_WORKSPACE_ID, includeClosed: true, includeUnverified: true }),
      );
      expect(third.requests).toHaveLength(DEMO_REQUESTS.length);
    } finally {
      await second.close();
    }
  });
});
