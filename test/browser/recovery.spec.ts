import type { Page } from '@playwright/test';
import { expect, test, type Console } from './fixtures';

/** Settings → Recovery and backups, against the real keychain (issue #19, item 2). */
async function api<T>(page: Page, lethe: Console, name: string, input: unknown): Promise<T> {
  const response = await page.request.post(`${lethe.origin}/api/${name}`, {
    data: input,
    headers: { Authorization: `Bearer ${lethe.token}` },
  });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

test('creates and shows the recovery key, makes a backup, and refuses a wrong key when recovering', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await api(page, lethe, 'workspaces.create', {
    name: 'Acme',
    address: { subdomain: 'acme' },
    email: 'dpo@acme.example',
    apiToken: 'abcdefgh12345678',
  });
  await page.evaluate(() => (window.location.hash = '#/settings'));
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Recovery and backups' }) });
  await expect(card.getByText('This workspace has no recovery key yet')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Make a backup' })).toBeDisabled();

  await card.getByRole('button', { name: 'Create recovery key' }).click();
  const shown = card.getByTestId('recovery-key');
  await expect(shown).toHaveText(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
  const key = (await shown.textContent())!;
  await page.screenshot({ path: '/tmp/lethe-recovery-light.png', fullPage: true });
  await card.getByRole('button', { name: 'I have written it down' }).click();
  await expect(shown).toHaveCount(0);

  await card.getByRole('button', { name: 'Make a backup' }).click();
  await expect(card.getByText(/Backup of 0 requests and \d+ audit entries/)).toBeVisible();
  await expect(card.locator('code', { hasText: '.lethebak' })).toBeVisible();

  const recover = card.getByRole('form', { name: 'Recover the workspace keys' });
  await recover.getByLabel('Recovery key').fill(key.replace(/^..../, 'ZZZZ'));
  await recover.getByRole('button', { name: 'Recover keys' }).click();
  await expect(card.getByText('recovery_key_wrong')).toBeVisible();
  await recover.getByLabel('Recovery key').fill(key.toLowerCase());
  await recover.getByRole('button', { name: 'Recover keys' }).click();
  await expect(card.getByText(/No key was missing\. 0 requests and \d+ audit entries read; the audit chain is intact\./)).toBeVisible();

  const { entries } = await api<{ entries: { action: string }[] }>(page, lethe, 'audit.list', { limit: 100 });
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['recovery_key.created', 'backup.created', 'backup.keys_recovered']));
});

test('shows the recovery key once, right after a connection is added in Settings', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await page.evaluate(() => (window.location.hash = '#/settings'));
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a helpdesk connection' }) });
  await form.getByLabel('Connection name').fill('Acme');
  await form.getByRole('textbox', { name: 'Subdomain' }).fill('acme');
  await form.getByLabel('Agent e-mail').fill('dpo@acme.example');
  await form.getByLabel('API token').fill('abcdefgh12345678');
  await form.getByRole('button', { name: 'Save connection' }).click();

  const notice = page.getByRole('region', { name: 'Recovery key of the new workspace' });
  const shown = notice.getByTestId('recovery-key');
  await expect(shown).toHaveText(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
  await expect(notice.getByText(/The recovery key of Acme/)).toBeVisible();
  const key = (await shown.textContent())!;
  await notice.getByRole('button', { name: 'I have written it down' }).click();
  await expect(page.getByTestId('recovery-key')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Add a helpdesk connection' })).toBeVisible();

  // It was created, not merely shown: Settings offers to show it again and the backup needs nothing more.
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Recovery and backups' }) });
  await expect(card.getByText('This workspace has no recovery key yet')).toHaveCount(0);
  await card.getByRole('button', { name: 'Show recovery key' }).click();
  await expect(card.getByTestId('recovery-key')).toHaveText(key);
  const { entries } = await api<{ entries: { action: string }[] }>(page, lethe, 'audit.list', { limit: 100 });
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['recovery_key.created', 'recovery_key.shown']));
});
