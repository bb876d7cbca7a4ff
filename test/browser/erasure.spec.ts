import { readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/** Calls an operation over the host's HTTP API with the session token, as the page does. */
async function call<T>(request: APIRequestContext, origin: string, token: string, name: string, input: unknown): Promise<T> {
  const response = await request.post(`${origin}/api/${name}`, { data: input, headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

test('previews an erasure from a dossier link, checks it live, confirms with the subject and counts, and shows the verification and receipt', async ({
  page,
  lethe,
}) => {
  test.setTimeout(240_000);
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await expect
    .poll(async () => (await call<{ outcome: string | null }>(page.request, lethe.origin, lethe.token, 'sync.status', {})).outcome, {
      timeout: 200_000,
      intervals: [1_000],
    })
    .toBe('done');

  // Error state first: an unknown plan names its code.
  await page.evaluate(() => (window.location.hash = '#/erasure?plan=01890a5d-ac96-774b-bcce-b302099a8057'));
  await expect(page.getByRole('alert')).toContainText('not_found');

  const { results } = await call<{ results: Array<{ email: string | null; ref: string }> }>(
    page.request,
    lethe.origin,
    lethe.token,
    'subjects.search',
    {
      query: 'example',
      limit: 50,
    },
  );
  const subject = results.find((r) => r.email)!;
  // From a CCPA request, through its dossier: the preview is planned under CCPA and names the request (#19 item 3).
  const request = await call<{ id: string; reference: string }>(page.request, lethe.origin, lethe.token, 'requests.create', {
    type: 'erasure',
    regulation: 'CCPA',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Erased Person', email: subject.email },
    subjectId: Number(subject.ref.slice('subj_'.length)),
  });
  await page.evaluate((id) => (window.location.hash = `#/requests/${id}`), request.id);
  await page.getByRole('link', { name: /Open the dossier of helpdesk user/ }).click();
  await expect(page.getByRole('note').filter({ hasText: 'Working on' })).toContainText(request.reference);
  await page.getByRole('link', { name: 'Preview erasure' }).click();
  await expect(page.getByRole('heading', { name: subject.email! })).toBeVisible({ timeout: 30_000 });
  const header = page.locator('.erasure-plan-header');
  await expect(header).toContainText(`For ${request.reference}`);
  await expect(header).toContainText('CCPA/CPRA');
  await expect(header.getByRole('link', { name: request.reference })).toHaveAttribute('href', `#/requests/${request.id}`);
  // Every row carries its reason; the table is grouped by decision.
  await expect(page.locator('.erasure-group').first()).toBeVisible();
  for (const reason of await page.locator('.erasure-reason').allTextContents()) expect(reason.length).toBeGreaterThan(10);

  // Keyboard: the filter buttons are reachable and pressable.
  await page.getByRole('button', { name: /^All \(/ }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /^Delete ticket \(/ })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: /Check against the live helpdesk/ }).click();
  await expect(page.getByText(/Checked against the live helpdesk/)).toBeVisible({ timeout: 30_000 });
  const erase = page.getByRole('button', { name: /^Erase: delete/ });
  await expect(erase).toBeDisabled();
  await page.getByLabel(/Type the subject/).fill(subject.email!);
  // Mentions left for review, if this person has any, are acknowledged first (erasure-mentions.spec.ts).
  const acknowledge = page.getByRole('checkbox', { name: /^I have read these \d+ mention\(s\)/ });
  if ((await acknowledge.count()) > 0) await acknowledge.check();
  await erase.click();
  const download = page.getByRole('button', { name: 'Download receipt' });
  await expect(download).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(/Verification: /)).toBeVisible();
  await expect(page.getByText(/Run: completed/)).toBeVisible();

  // Browser mode hands the receipt over as a download, in words, naming the request and who prepared it (#19 item 8).
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(file.suggestedFilename()).toMatch(/^erasure-receipt-[0-9a-f-]+\.html$/);
  const html = await readFile((await file.path())!, 'utf8');
  expect(html).toContain(`Deletion receipt for ${request.reference}`);
  expect(html).toMatch(/<tr><th>Prepared by<\/th><td>[^<—]+<\/td><\/tr>/);
  expect(html).toContain('<th>Tickets deleted</th>');
  expect(html).not.toContain('ticketsDeleted');
  await expect(page.getByRole('status').filter({ hasText: 'Downloaded.' })).toBeVisible();
  await page.screenshot({ path: '/tmp/lethe-erasure-receipt.png', fullPage: true });
  await page.goto(`file://${(await file.path())!}`);
  await page.screenshot({ path: '/tmp/lethe-receipt-html.png', fullPage: true });
});
