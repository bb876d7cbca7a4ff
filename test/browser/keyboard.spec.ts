import type { Page } from '@playwright/test';
import { expect, test, type Console } from './fixtures';

/** Keyboard and focus on the subject search, and the address keeping the search (issue #19, items 11 and 13). */
async function call<T>(page: Page, lethe: Console, name: string, input: unknown): Promise<T> {
  const response = await page.request.post(`${lethe.origin}/api/${name}`, {
    data: input,
    headers: { Authorization: `Bearer ${lethe.token}` },
  });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

async function syncedDemo(page: Page, lethe: Console): Promise<void> {
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await call(page, lethe, 'sync.start', {});
  await expect
    .poll(async () => (await call<{ outcome: string | null }>(page, lethe, 'sync.status', {})).outcome, {
      timeout: 200_000,
      intervals: [1_000],
    })
    .toBe('done');
}

test('Enter on a sort header sorts; the active row has one indicator; Back and "← Subjects" keep the search', async ({ page, lethe }) => {
  test.setTimeout(240_000);
  const failures: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() === 400) failures.push(`${r.status()} ${r.url()} ${r.request().postData() ?? ''}`);
  });
  await syncedDemo(page, lethe);

  await page.goto(`${lethe.origin}/#/subjects`);
  const search = page.getByLabel('Search people');
  await search.fill('a');
  const grid = page.getByRole('grid');
  await expect(grid.locator('tbody tr').first()).toBeVisible();
  await expect(page).toHaveURL(/#\/subjects\?q=a$/);

  // Enter on the "Tickets" header sorts, and opens nothing.
  const tickets = grid.getByRole('button', { name: 'Tickets' });
  await tickets.focus();
  const header = grid.getByRole('columnheader', { name: /Tickets/ });
  await expect(header).not.toHaveAttribute('aria-sort');
  await page.keyboard.press('Enter');
  // Numbers sort largest first on the first press (TanStack's default), then the other way.
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/#\/subjects\?q=a$/);
  await page.keyboard.press('Enter');
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(page).toHaveURL(/#\/subjects\?q=a$/);

  // The active row: one bar at its start, not one per cell.
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  const active = grid.locator('tr.row-active');
  await expect(active).toHaveCount(1);
  const shadows = await active.locator('td').evaluateAll((cells) => cells.map((c) => getComputedStyle(c).boxShadow));
  expect(shadows[0]).not.toBe('none');
  expect(shadows.slice(1).every((s) => s === 'none')).toBe(true);
  await page.screenshot({ path: '/tmp/lethe-subjects-keyboard-light.png' });

  // Enter opens the active row's dossier; "← Subjects" comes back to the same search.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/subjects\/subj_\d+\?q=a$/);
  await expect(page.getByRole('list', { name: 'Summary' })).toBeVisible();
  await page.getByRole('link', { name: '← Subjects' }).click();
  await expect(search).toHaveValue('a');
  await expect(grid.locator('tbody tr').first()).toBeVisible();

  // Browser Back from a dossier does the same.
  await search.fill('an');
  await expect(page).toHaveURL(/#\/subjects\?q=an$/);
  await grid.locator('tbody tr').first().dblclick();
  await expect(page.getByRole('list', { name: 'Summary' })).toBeVisible();
  await page.goBack();
  await expect(search).toHaveValue('an');
  await expect(grid.locator('tbody tr').first()).toBeVisible();

  expect(failures).toEqual([]);
});

test('opening a dossier from a request asks the core nothing with the wrong kind of id', async ({ page, lethe }) => {
  test.setTimeout(120_000);
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  const created = await call<{ id: string; reference: string }>(page, lethe, 'requests.create', {
    type: 'access',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Ada' },
  });
  const failures: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() === 400) failures.push(`${r.status()} ${r.request().postData() ?? ''}`);
  });
  await page.evaluate((id) => (window.location.hash = `#/requests/${id}`), created.id);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(created.reference) })).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/subjects/subj_380000000000'));
  await expect(page.getByRole('list', { name: 'Summary' }).or(page.getByText('The dossier could not be built'))).toBeVisible();
  await page.evaluate((id) => (window.location.hash = `#/requests/${id}`), created.id);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(created.reference) })).toBeVisible();
  expect(failures).toEqual([]);
});
