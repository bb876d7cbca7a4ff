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
test.afterEach(async () => {
  for (const c of consoles) await stopConsole(c);
  consoles = [];
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
