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

test('the dossier leads with who the person is; a suggested link shows its evidence and is rejected, undone and confirmed with a reason', async ({
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

  // Two accounts sharing a phone number: a simulator person's second account carries the same
  // number (and name). Their phone identities reach the cache with a subject refresh.
  type Hit = { ref: string; userId: number; name: string; phone: string | null };
  const seen = new Map<number, Hit>();
  for (const query of ['a', 'e', 'i', 'o', 'u', 'n', 'm']) {
    const { results } = await call<{ results: Hit[] }>(page.request, lethe.origin, lethe.token, 'subjects.search', { query, limit: 500 });
    for (const r of results) seen.set(r.userId, r);
  }
  const groups = new Map<string, Hit[]>();
  for (const r of seen.values()) {
    const digits = (r.phone ?? '').split(/ext/i)[0]!.replace(/\D/g, '');
    if (digits.length >= 7) groups.set(digits, [...(groups.get(digits) ?? []), r]);
  }
  let pair: Hit | undefined;
  for (const group of [...groups.values()].filter((g) => g.length === 2)) {
    for (const r of group) await call(page.request, lethe.origin, lethe.token, 'sync.refreshSubject', { userId: r.userId });
    const links = await call<{ suggestions: Array<{ userId: number; sharedBy: number }> }>(
      page.request,
      lethe.origin,
      lethe.token,
      'subjects.links',
      { ref: group[0]!.ref },
    );
    if (links.suggestions.some((x) => x.userId === group[1]!.userId && x.sharedBy === 2)) {
      pair = group[0];
      break;
    }
  }
  expect(pair).toBeDefined();

  // Opened from a request: the link decisions taken here name it in the audit trail (#19 item 4).
  const request = await call<{ id: string }>(page.request, lethe.origin, lethe.token, 'requests.create', {
    type: 'access',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    requester: { name: 'Link Person', email: 'link.person@example.test' },
  });
  await page.goto(`${lethe.origin}/#/subjects/${pair!.ref}?request=${request.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Who comes first, with the pending suggestion announced at the top; the actions sit beside the data.
  await expect(page.getByRole('note').filter({ hasText: 'Working on' })).toContainText('link decisions');
  const notice = page.getByRole('note').filter({ hasText: 'share' });
  await expect(notice).toContainText('share');
  await expect(notice).toContainText('left out of this dossier, archives, erasure plans and actions');
  const who = page.getByRole('heading', { name: 'Who' });
  const held = page.getByRole('heading', { name: 'What is held' });
  expect((await who.boundingBox())!.y).toBeLessThan((await held.boundingBox())!.y);
  await expect(page.getByRole('toolbar', { name: 'Dossier actions' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Restriction of processing' })).toHaveCount(0);

  const card = page.locator('.suggestion').filter({ hasText: 'on 2 accounts' }).first();
  await expect(card.getByRole('list', { name: 'Evidence' })).toContainText(/Shares (phone|e-mail) .+ on 2 accounts/);
  const confirm = card.getByRole('button', { name: 'Same person: confirm' });
  await expect(confirm).toBeDisabled();
  await card.getByLabel('Reason (kept with the decision)').fill('Household landline: a different person');
  await card.getByRole('button', { name: 'Not the same person: reject' }).click();
  const rejected = page.locator('.suggestion-rejected').filter({ hasText: 'Household landline' });
  await expect(rejected).toContainText('Rejected');
  await rejected.getByRole('button', { name: 'Undo rejection' }).click();

  const again = page.locator('.suggestion').filter({ hasText: 'on 2 accounts' }).first();
  const otherName = (await again.locator('strong').first().textContent())!;
  const otherId = /Account (\d+)/.exec(otherName)![1]!;
  await again.getByLabel('Reason (kept with the decision)').fill('Second account, confirmed by the requester');
  await again.getByRole('button', { name: 'Same person: confirm' }).click();
  const accounts = page.getByRole('table').filter({ hasText: 'Why it is this person' });
  await expect(accounts.getByRole('row', { name: new RegExp(otherId) })).toContainText('Second account, confirmed by the requester');
  const trail = await call<{ entries: Array<{ action: string }> }>(page.request, lethe.origin, lethe.token, 'audit.list', {
    requestId: request.id,
  });
  expect(trail.entries.map((e) => e.action).filter((a) => a.startsWith('subjects.'))).toEqual([
    'subjects.link_confirmed',
    'subjects.link_undone',
    'subjects.link_rejected',
  ]);

  // The restriction form opens from the side panel, its Art. 18(3) box beside the text.
  await page.getByRole('button', { name: 'Restrict, rectify, object…' }).click();
  const box = page.getByLabel(/I have informed the person/);
  const text = page.getByText(/I have informed the person/);
  const [b, t] = [(await box.boundingBox())!, (await text.boundingBox())!];
  expect(b.x + b.width).toBeLessThanOrEqual(t.x + 1);
  expect(Math.abs(b.y + b.height / 2 - (t.y + Math.min(t.height, 24) / 2))).toBeLessThan(14);
});
