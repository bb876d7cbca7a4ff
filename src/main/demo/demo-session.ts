import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Contract, OperationName } from '../../shared/contract';
import type { InputOf, OutputOf } from '../../shared/contract/define';
import type { Result } from '../../shared/errors';
import type { CoreServices } from '../core/services';
import { secretAccounts } from '../core/secrets/secret-store';
import { DEMO_WORKSPACE_ID } from '../core/workspaces/workspace-service';
import { DEMO_ACTOR, DEMO_NOTE, DEMO_REQUESTS, daysAgo, demoPeople, type DemoPerson, type DemoRequestSpec } from './demo-register';
import { saveDemoReceipt } from './demo-receipt';
import { DEMO_SEED, DEMO_SIZE } from './start-demo';

type Call = <K extends OperationName>(name: K, input: InputOf<Contract, K>) => Promise<Result<OutputOf<Contract, K>>>;

/**
 * The demo's key lives in process memory only (it runs on machines without a keychain), so files
 * left by an earlier process can never be read again. They hold synthetic data only: the demo
 * recreates them at start rather than keeping a key on disk beside them, which would put a
 * plaintext key in the data directory and let a demo drift from the deterministic one it shows.
 * Synchronous on purpose: no request of the console can open a demo store between the check and
 * the removal.
 */
export async function recreateDemoStoresIfOrphaned(s: CoreServices): Promise<boolean> {
  const key = await s.workspaces.secretStoreFor(DEMO_WORKSPACE_ID).get(secretAccounts.dbKey(DEMO_WORKSPACE_ID));
  if (key !== null) return false;
  s.caches.close(DEMO_WORKSPACE_ID);
  rmSync(s.workspaces.cacheDir(DEMO_WORKSPACE_ID), { recursive: true, force: true });
  // Its receipts answer requests of the register just removed.
  rmSync(join(s.dataDir, 'receipts', DEMO_WORKSPACE_ID), { recursive: true, force: true });
  return true;
}

async function must<T>(result: Promise<Result<T>>, what: string): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`demo register: ${what}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/**
 * Fills the fresh demo register through the register's own operations, so every request has the
 * audit entries a real one would (created, verified, extended, status changes). Returns the ids by
 * spec key.
 */
export async function seedDemoRegister(call: Call, now: Date = new Date()): Promise<Map<string, { id: string; person: DemoPerson }>> {
  const workspaceId = DEMO_WORKSPACE_ID;
  // Loaded lazily as the simulator is: nothing of it is paid for until the demo starts.
  const { Dataset } = await import('../../sim/dataset');
  const people = demoPeople(new Dataset(DEMO_SEED, DEMO_SIZE), DEMO_REQUESTS.length);
  const ids = new Map<string, { id: string; person: DemoPerson }>();
  for (const [n, spec] of DEMO_REQUESTS.entries()) {
    const person = people[n % people.length];
    if (!person) throw new Error('demo register: the dataset has no end users');
    const id = await createOne(call, workspaceId, spec, person, now);
    ids.set(spec.key, { id, person });
  }
  return ids;
}

async function createOne(call: Call, workspaceId: string, spec: DemoRequestSpec, person: DemoPerson, now: Date): Promise<string> {
  const actor = spec.owner ?? DEMO_ACTOR;
  const created = await must(
    call('requests.create', {
      workspaceId,
      actor,
      type: spec.type,
      regulation: spec.regulation,
      channel: spec.channel,
      receivedAt: daysAgo(now, spec.receivedDaysAgo, 9),
      requester: { name: person.name, email: person.email, ...(person.phone && spec.channel === 'phone' ? { phone: person.phone } : {}) },
      subjectId: person.userId,
      ...(spec.owner ? { owner: spec.owner } : {}),
      notes: `${DEMO_NOTE} ${spec.note}`,
    }),
    spec.key,
  );
  const id = created.id;
  if (spec.verifiedAfterDays !== undefined) {
    await must(
      call('requests.verify', {
        workspaceId,
        actor,
        id,
        method: spec.channel === 'phone' ? 'account_login' : 'email_confirmation',
        dataPointsMatched: spec.channel === 'phone' ? ['account login'] : ['e-mail address', 'last ticket number'],
        verifiedBy: actor,
        verifiedAt: daysAgo(now, spec.receivedDaysAgo - spec.verifiedAfterDays, 11),
      }),
      `${spec.key} verify`,
    );
  }
  if (spec.extension) {
    await must(
      call('requests.extend', {
        workspaceId,
        actor,
        id,
        reason: spec.extension.reason,
        noticeAt: daysAgo(now, spec.receivedDaysAgo - spec.extension.noticeAfterDays, 14),
      }),
      `${spec.key} extend`,
    );
  }
  // Open requests pass through in_progress as real ones do; closed ones get their closing date.
  if (spec.status !== 'received') {
    const closedAt = spec.closedDaysAgo === undefined ? undefined : daysAgo(now, spec.closedDaysAgo, 15);
    if (spec.status === 'completed' || spec.status === 'awaiting_approval') {
      await must(call('requests.setStatus', { workspaceId, actor, id, status: 'in_progress' }), `${spec.key} in_progress`);
    }
    await must(
      call('requests.setStatus', {
        workspaceId,
        actor,
        id,
        status: spec.status,
        ...(closedAt ? { at: closedAt } : {}),
        ...(spec.denial ? { reason: spec.denial.reason, article: spec.denial.article } : {}),
        ...(spec.withdrawnReason ? { reason: spec.withdrawnReason } : {}),
      }),
      `${spec.key} ${spec.status}`,
    );
  }
  return id;
}

/**
 * After the demo's first sync: the completed access request gets the archive it was answered
 * with, exported from the cache and linked with its SHA-256 as an officer would, then the receipt
 * of that answer (demo-receipt.ts), linked the same way.
 */
export async function attachDemoArchive(
  call: Call,
  request: { id: string; person: DemoPerson },
  dataDir: string,
): Promise<{ archive: string; receipt: string }> {
  const workspaceId = DEMO_WORKSPACE_ID;
  const actor = 'Dana Okafor';
  const record = await must(
    call('archives.export', {
      workspaceId,
      ref: `subj_${request.person.userId}`,
      kind: 'access',
      regulation: 'GDPR',
      requestId: request.id,
    }),
    'archive',
  );
  await must(
    call('requests.link', { workspaceId, actor, id: request.id, kind: 'archive', ref: record.exportId, sha256: record.sha256 }),
    'archive link',
  );
  const { request: answered } = await must(call('requests.get', { workspaceId, id: request.id }), 'completed request');
  const answeredAt = answered.closedAt ?? answered.updatedAt;
  const letter = await must(
    call('requests.letter', { workspaceId, actor, id: request.id, template: 'completion', asOf: answeredAt }),
    'completion letter',
  );
  const receipt = await saveDemoReceipt(dataDir, workspaceId, {
    reference: answered.reference,
    regulation: answered.regulation,
    type: answered.type,
    answeredAt,
    answeredBy: actor,
    channel: answered.channel,
    archive: { exportId: record.exportId, sha256: record.sha256 },
    letter: { subject: letter.subject, text: letter.text },
  });
  await must(
    call('requests.link', { workspaceId, actor, id: request.id, kind: 'receipt', ref: receipt.name, sha256: receipt.sha256 }),
    'receipt link',
  );
  return { archive: record.exportId, receipt: receipt.path };
}

/** Resolves when the workspace's sync has stopped running (whatever its outcome). */
export async function waitForSync(call: Call, workspaceId: string, pollMs = 250): Promise<OutputOf<Contract, 'sync.status'>> {
  for (;;) {
    const status = await must(call('sync.status', { workspaceId }), 'sync status');
    if (!status.running) return status;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * The whole demo start: fresh stores when the old ones are unreadable, the register seeded, the
 * first sync started, and the completed request's archive attached once the cache is filled.
 * `ready` settles when that follow-up is done (tests and screenshots wait on it; the console
 * does not).
 */
export async function startDemoSession(
  s: CoreServices,
  call: Call,
  start: () => Promise<OutputOf<Contract, 'demo.start'>>,
): Promise<{ workspace: OutputOf<Contract, 'demo.start'>; ready: Promise<void> }> {
  const workspace = await start();
  const fresh = await recreateDemoStoresIfOrphaned(s);
  const seeded = fresh ? await seedDemoRegister(call) : null;
  await must(call('sync.start', { workspaceId: workspace.id }), 'sync');
  const completed = seeded?.get('completed-access');
  const ready = completed
    ? (async () => {
        const status = await waitForSync(call, workspace.id);
        if (status.outcome !== 'done') throw new Error(`demo register: the first sync ended ${status.outcome ?? 'without an outcome'}`);
        await attachDemoArchive(call, completed, s.dataDir);
      })()
    : Promise.resolve();
  ready.catch((error: unknown) => s.log.warn('demo archive not attached', { message: (error as Error).message }));
  return { workspace, ready };
}
