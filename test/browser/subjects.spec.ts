import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/** Calls an operation over the host's HTTP API with the session token, as the page does. */
async function call<T>(request: APIRequestContext, origin: string, token: string, name: string, input: unknown): Promise<T> {
  const response = await request.post(`${origin}/api/${name}`, { data: input, headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

test('searches the synced demo cache as you type, opens a dossier by keyboard, exports and verifies an archive', async ({
  page,
  lethe,
}) => {
  test.setTimeout(240_000);
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });

  await call(page.request, lethe.origin, lethe.token, 'sync.start', {});
  await expect
    .poll(
      async () =>
        (await call<{ running: boolean; outcome: string | null }>(page.request, lethe.origin, lethe.token, 'sync.status', {})).outcome,
      { timeout: 200_000, intervals: [1_000] },
    )
    .toBe('done');

  // A person the cache holds, found the way the page will find them.
  const { results } = await call<{ results: Array<{ name: string; email: string | null; ref: string }> }>(
    page.request,
    lethe.origin,
    lethe.token,
    'subjects.search',
    {
      query: 'a',
      limit: 50,
    },
  );
  const person = results.find((r) => r.email !== null)!;
  expect(person).toBeDefined();

  await page.goto(`${lethe.origin}/#/subjects`);
  const search = page.getByLabel('Search people');
  await expect(search).toBeFocused();
  await search.fill(person.email!.slice(0, -3));
  const grid = page.getByRole('grid');
  await expect(grid.getByRole('row', { name: new RegExp(person.email!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') })).toBeVisible();
  await expect(grid).toContainText('email (prefix)');

  await search.fill(person.email!);
  await expect(grid.locator('tbody tr').first()).toContainText('email (exact)');
  await grid.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/subjects/${person.ref}\\?q=`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Summary' })).toContainText('Tickets');
  await expect(page.getByRole('link', { name: 'Preview erasure' })).toHaveAttribute('href', `#/erasure?subject=${person.ref}`);

  await page.getByRole('button', { name: 'Portability archive…' }).click();
  await page.getByRole('button', { name: 'Create portability archive' }).click();
  const result = page.locator('.export-result');
  await expect(result).toContainText('archive ready', { timeout: 60_000 });
  const sha = (await result.locator('code.hash').textContent())?.trim() ?? '';
  expect(sha).toMatch(/^[0-9a-f]{64}$/);

  await page.goto(`${lethe.origin}/#/archives`);
  const row = page.getByRole('row', { name: new RegExp(sha) });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Verify' }).click();
  await expect(row).toContainText('verified');
});

test('the Subjects page says so when nobody matches, and shows the error code of a refused call', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await page.goto(`${lethe.origin}/#/subjects`);
  await page.getByLabel('Search people').fill('zzqxv-nobody');
  await expect(page.getByText('Nobody in the local cache matches')).toBeVisible();
  await page.goto(`${lethe.origin}/#/subjects/subj_999999999`);
  await expect(page.getByRole('alert')).toContainText('not_found');
});
