import type { Page } from '@playwright/test';
import { startPostgres, type PgCluster } from '../support/postgres';
import { expect, startConsole, stopConsole, test, type Console } from './fixtures';

/**
 * Team mode in the console: two officers, each their own `lethe serve` (own data directory, own
 * keychain service) and their own PostgreSQL role, in two browser contexts on one team database.
 * One changes a request; the other sees it without reloading, and a save from their stale draft
 * is refused with a conflict naming who changed what.
 */

let cluster: PgCluster;
let database: string;
let consoles: Console[] = [];

test.beforeAll(async () => {
  cluster = await startPostgres();
  database = await cluster.createDatabase('browser');
  await cluster.createLogin('ada', 'ada-pw');
  await cluster.createLogin('bob', 'bob-pw');
});
test.afterAll(() => cluster?.destroy());
// eslint-disable-next-line no-empty-pattern -- Playwright hooks take fixtures as the first argument
test.afterEach(async ({}, testInfo) => {
  const stopping = consoles;
  consoles = [];
  // Every console is stopped even when one of them fails to; the first failure is reported.
  const results = await Promise.allSettled(stopping.map((c) => stopConsole(c, testInfo)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
});

async function api(page: Page, c: Console, name: string, input: unknown): Promise<unknown> {
  const response = await page.request.post(`${c.origin}/api/${name}`, { headers: { Authorization: `Bearer ${c.token}` }, data: input });
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value;
}

async function officerConsole(page: Page): Promise<Console> {
  const c = await startConsole();
  consoles.push(c);
  await api(page, c, 'workspaces.create', {
    name: 'Acme',
    address: { subdomain: 'acme' },
    email: 'dpo@acme.example',
    apiToken: 'abcdefgh12345678',
  });
  return c;
}

test('two officers: one changes a request, the other sees it live and gets a conflict on a stale edit', async ({ browser }) => {
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const pageA = await contextA.newPage();
  const pageB = await contextB.newPage();
  const a = await officerConsole(pageA);
  const b = await officerConsole(pageB);

  // The owner sets the database up from A's (empty) register; then each officer joins as themselves.
  await api(pageA, a, 'team.init', { databaseUrl: cluster.adminUrl(database) });
  await cluster.admin('GRANT lethe_officer TO ada; GRANT lethe_officer TO bob');
  const teamUrl = (role: string) => `postgres://${role}@127.0.0.1:${cluster.port}/${database}`;

  // Ada joins in the console's Settings.
  await pageA.goto(a.url);
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await pageA.getByLabel('Database URL (your own PostgreSQL role, no password in it)').fill(teamUrl('ada'));
  await pageA.getByLabel('Password (kept in the OS keychain)').fill('ada-pw');
  await pageA.getByRole('button', { name: 'Join team database' }).click();
  await expect(pageA.getByRole('status', { name: 'Team status' })).toContainText('this machine acts as ada');
  await pageA.screenshot({ path: '/tmp/lethe-team-settings-light.png', fullPage: true });
  await api(pageB, b, 'team.join', { databaseUrl: teamUrl('bob'), password: 'bob-pw' });

  const request = (await api(pageA, a, 'requests.create', {
    type: 'access',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: '2025-03-01T09:30:00+01:00',
    requester: { name: 'Sam Example', email: 'sam@example.test' },
  })) as { id: string; reference: string };

  const open = async (page: Page, c: Console) => {
    await page.goto(c.url);
    await page.evaluate((id) => (window.location.hash = `#/requests/${id}`), request.id);
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(request.reference) })).toBeVisible();
  };
  await open(pageA, a);
  await open(pageB, b);
  await expect(pageB.getByText('owner unassigned')).toBeVisible();

  // Bob starts a draft from what he sees now...
  await pageB.getByLabel('Notes').fill('Bob: called the requester');
  // ...while Ada assigns the request to herself.
  await pageA.getByLabel('Owner').fill('ada');
  await pageA.getByRole('button', { name: 'Save' }).click();
  await expect(pageA.getByText('owner ada')).toBeVisible();

  // Bob sees it without reloading (LISTEN/NOTIFY → event → refresh), with Ada named in the timeline.
  await expect(pageB.getByText('owner ada')).toBeVisible();
  await expect(pageB.getByText(/by ada ·/).first()).toBeVisible();

  // His save from the stale draft is refused, saying who changed what; nothing of his is written.
  await pageB.getByRole('button', { name: 'Save' }).click();
  const alert = pageB.getByRole('alert');
  await expect(alert).toContainText('The request was not updated');
  await expect(alert).toContainText(/changed by ada since you read it .*owner/);
  await expect(alert).toContainText('conflict');
  await pageB.screenshot({ path: '/tmp/lethe-team-conflict-light.png', fullPage: true });
  await pageB.emulateMedia({ colorScheme: 'dark' });
  await pageB.screenshot({ path: '/tmp/lethe-team-conflict-dark.png', fullPage: true });
  const stored = (await api(pageB, b, 'requests.get', { id: request.id })) as {
    request: { notes: string; owner: string; version: number };
  };
  expect(stored.request).toMatchObject({ notes: '', owner: 'ada', version: 2 });

  // Discarding the draft shows the current request; the same edit then goes through.
  await pageB.getByRole('button', { name: 'Discard my draft and show the current request' }).click();
  await expect(pageB.getByLabel('Owner')).toHaveValue('ada');
  await pageB.getByLabel('Notes').fill('Bob: called the requester');
  await pageB.getByRole('button', { name: 'Save' }).click();
  await expect(pageA.getByLabel('Notes')).toHaveValue('');
  await expect(pageA.getByText(/by bob ·/).first()).toBeVisible();

  await contextA.close();
  await contextB.close();
});

test('a stale verification or extension is a conflict, not an overwrite; started again, it is recorded', async ({ browser }) => {
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const pageA = await contextA.newPage();
  const pageB = await contextB.newPage();
  const a = await officerConsole(pageA);
  const b = await officerConsole(pageB);
  const db = await cluster.createDatabase('stale');
  await api(pageA, a, 'team.init', { databaseUrl: cluster.adminUrl(db) });
  await cluster.admin('GRANT lethe_officer TO ada; GRANT lethe_officer TO bob');
  const teamUrl = (role: string) => `postgres://${role}@127.0.0.1:${cluster.port}/${db}`;
  await api(pageA, a, 'team.join', { databaseUrl: teamUrl('ada'), password: 'ada-pw' });
  await api(pageB, b, 'team.join', { databaseUrl: teamUrl('bob'), password: 'bob-pw' });

  const request = (await api(pageA, a, 'requests.create', {
    type: 'access',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Kim Example', email: 'kim@example.test' },
  })) as { id: string; reference: string; version: number };
  const stored = async () =>
    (
      (await api(pageB, b, 'requests.get', { id: request.id })) as {
        request: { verification: unknown; extension: unknown; version: number };
      }
    ).request;
  const adaChanges = async (notes: string) => {
    const now = await stored();
    await api(pageA, a, 'requests.update', { id: request.id, notes, expectedVersion: now.version });
  };
  await pageB.goto(b.url);
  await pageB.evaluate((id) => (window.location.hash = `#/requests/${id}`), request.id);
  await expect(pageB.getByRole('heading', { level: 1, name: new RegExp(request.reference) })).toBeVisible();

  // Bob fills in the verification; Ada changes the request meanwhile; Bob's verification is refused.
  await pageB.getByLabel('Data points matched').fill('e-mail address, last ticket number');
  await pageB.getByLabel('Verified by').fill('Bob');
  await adaChanges('Ada: the requester called');
  await expect(pageB.getByLabel('Notes')).toHaveValue('Ada: the requester called');
  await pageB.getByRole('button', { name: 'Record verification' }).click();
  const refusedVerify = pageB.getByRole('alert').filter({ hasText: 'The verification was not recorded' });
  await expect(refusedVerify).toContainText(/changed by ada since you read it .*notes/);
  await expect(refusedVerify).toContainText('conflict');
  expect((await stored()).verification).toBeNull();
  await pageB.screenshot({ path: '/tmp/lethe-team-stale-verify-light.png', fullPage: true });
  // Having seen the change, he records it again: now against the current version.
  await pageB.getByRole('button', { name: 'Check it against the current request and record it again' }).click();
  await pageB.getByRole('button', { name: 'Record verification' }).click();
  await expect(pageB.getByText('Not verified yet')).toBeHidden();
  expect((await stored()).verification).toMatchObject({ verifiedBy: 'Bob' });

  // The same for an extension.
  await pageB.getByLabel('Reason', { exact: true }).fill('Many systems to search');
  await adaChanges('Ada: second call');
  await expect(pageB.getByLabel('Notes')).toHaveValue('Ada: second call');
  await pageB.getByRole('button', { name: 'Extend', exact: true }).click();
  const refusedExtend = pageB.getByRole('alert').filter({ hasText: 'The deadline was not extended' });
  await expect(refusedExtend).toContainText(/changed by ada since you read it .*notes/);
  expect((await stored()).extension).toBeNull();
  await pageB.getByRole('button', { name: 'Check it against the current request and extend again' }).click();
  await pageB.getByRole('button', { name: 'Extend', exact: true }).click();
  await expect(pageB.getByRole('heading', { name: 'Extension', exact: true })).toBeVisible();
  expect((await stored()).extension).toMatchObject({ reason: 'Many systems to search' });

  await contextA.close();
  await contextB.close();
});

test('offline: the detail and the audit page show the last copy read, as of its time, with every control disabled', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const c = await officerConsole(page);
  const db = await cluster.createDatabase('offline');
  await api(page, c, 'team.init', { databaseUrl: cluster.adminUrl(db) });
  await cluster.admin('GRANT lethe_officer TO ada');
  await api(page, c, 'team.join', { databaseUrl: `postgres://ada@127.0.0.1:${cluster.port}/${db}`, password: 'ada-pw' });
  const request = (await api(page, c, 'requests.create', {
    type: 'access',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Lou Example', email: 'lou@example.test' },
  })) as { id: string; reference: string };
  await page.goto(c.url);
  await page.evaluate((id) => (window.location.hash = `#/requests/${id}`), request.id);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(request.reference) })).toBeVisible();
  await expect(page.getByLabel('Owner')).toBeEnabled();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  // The list must have been read (and so copied) before the server goes: the buttons alone are
  // enabled while it is still loading.
  await expect(page.getByRole('region', { name: 'Audit entries' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeEnabled();

  cluster.stop();
  try {
    await page.reload();
    const banner = page.getByRole('status').filter({ hasText: 'Team database unreachable: read-only copy as of' });
    await expect(banner).toContainText('nothing is queued');
    await expect(page.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
    await page.evaluate((id) => (window.location.hash = `#/requests/${id}`), request.id);
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(request.reference) })).toBeVisible();
    await expect(banner).toContainText(/Cannot reach/);
    await expect(page.getByText('lou@example.test')).toBeVisible();
    await expect(page.getByLabel('Owner')).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Record verification' })).toBeDisabled();
    await page.screenshot({ path: '/tmp/lethe-team-offline-light.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: '/tmp/lethe-team-offline-dark.png', fullPage: true });
  } finally {
    cluster.start();
  }
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(request.reference) })).toBeVisible();
  await expect(page.getByLabel('Owner')).toBeEnabled();
  await expect(page.getByText('Team database unreachable')).toBeHidden();
  await context.close();
});
