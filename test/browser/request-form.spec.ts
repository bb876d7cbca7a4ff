import type { Page } from '@playwright/test';
import { expect, startConsole, stopConsole, test, type Console } from './fixtures';

/** The New request form refuses what the contract refuses, beside the field and in words. */
let lethe: Console;
test.beforeEach(async () => {
  lethe = await startConsole({ demo: true });
});
// eslint-disable-next-line no-empty-pattern -- Playwright hooks take fixtures as the first argument
test.afterEach(async ({}, testInfo) => stopConsole(lethe, testInfo));

async function api(page: Page, name: string, input: unknown): Promise<unknown> {
  const response = await page.request.post(`${lethe.origin}/api/${name}`, {
    headers: { Authorization: `Bearer ${lethe.token}` },
    data: input,
  });
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

async function openForm(page: Page): Promise<void> {
  await page.goto(lethe.url);
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
  await page.getByRole('link', { name: 'New request' }).click();
  await expect(page.getByRole('heading', { name: 'New request' })).toBeVisible();
}

/** The error shown inside the same field container as the input labelled `label`. */
const besideField = (page: Page, label: string) =>
  page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');

test('refuses no contact, a bad e-mail, a date in the future or in 1900, beside each field, and records nothing', async ({ page }) => {
  await openForm(page);
  // The demo comes with its own register; the refused attempts must add nothing to it.
  const before = ((await api(page, 'requests.list', { includeUnverified: true, includeClosed: true })) as { requests: unknown[] }).requests
    .length;
  const record = page.getByRole('button', { name: 'Record request' });

  await record.click();
  await expect(page.locator('#nr-contact-error')).toHaveText(
    'Give at least one way to reach the requester: a name, an e-mail address or a phone number.',
  );

  await page.getByLabel('Requester e-mail').fill('a@b');
  await record.click();
  await expect(besideField(page, 'Requester e-mail')).toHaveText('Enter an e-mail address such as name@example.com.');
  await expect(page.getByLabel('Requester e-mail')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('requester.email')).toHaveCount(0);

  await page.getByLabel('Requester e-mail').fill('ada@example.test');
  await page.getByLabel('Received').fill('1900-03-01T09:30');
  await record.click();
  await expect(besideField(page, 'Received')).toHaveText('The received date cannot be before 2018-05-25, when the GDPR began to apply.');

  const next = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 16);
  await page.getByLabel('Received').fill(next);
  await record.click();
  await expect(besideField(page, 'Received')).toHaveText('The received date cannot be in the future.');

  // Owner is bounded as the contract bounds it: 10,000 characters typed, 200 kept.
  await page.getByLabel('Owner').fill('x'.repeat(10_000));
  await expect(page.getByLabel('Owner')).toHaveJSProperty('value.length', 200);

  const listed = (await api(page, 'requests.list', { includeUnverified: true, includeClosed: true })) as { requests: unknown[] };
  expect(listed.requests).toHaveLength(before);
  await page.screenshot({ path: '/tmp/lethe-request-form-errors-light.png', fullPage: true });
});

test('reads the received time in the time zone picked from the list, and records the request', async ({ page }) => {
  await openForm(page);
  const zone = page.getByLabel('Time zone of that time');
  expect(await zone.locator('option').count()).toBeGreaterThan(300);
  await zone.selectOption('Europe/Berlin');
  await page.getByLabel('Received').fill('2026-11-02T09:30');
  await page.getByLabel('Requester phone').fill('+49 30 1234567');
  await page.getByLabel('Owner').fill('Dana');
  await page.getByRole('button', { name: 'Record request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /DSR-\d{6}/ })).toBeVisible();
  const listed = (await api(page, 'requests.list', { includeUnverified: true })) as {
    requests: { receivedAt: string; requester: { phone: string | null } }[];
  };
  const recorded = listed.requests.find((r) => r.requester.phone?.replace(/\D/g, '') === '49301234567');
  expect(Date.parse(recorded!.receivedAt)).toBe(Date.parse('2026-11-02T09:30:00+01:00'));
});
