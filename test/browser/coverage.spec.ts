import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

async function call<T>(request: APIRequestContext, origin: string, token: string, name: string, input: unknown): Promise<T> {
  const response = await request.post(`${origin}/api/${name}`, { data: input, headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

type Coverage = Array<{ surface: string; searched: boolean; items: number | null; reason: string | null }>;

test('the dossier opens with the coverage table: every place, searched or why not, and a look that finds suspended tickets', async ({
  page,
  lethe,
}) => {
  test.setTimeout(240_000);
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await call(page.request, lethe.origin, lethe.token, 'sync.start', {});
  await expect
    .poll(async () => (await call<{ outcome: string | null }>(page.request, lethe.origin, lethe.token, 'sync.status', {})).outcome, {
      timeout: 200_000,
      intervals: [1_000],
    })
    .toBe('done');

  const { results } = await call<{ results: Array<{ email: string | null; ref: string }> }>(
    page.request,
    lethe.origin,
    lethe.token,
    'subjects.search',
    { query: 'a', limit: 200 },
  );
  const people = results.filter((r) => r.email !== null);
  // Someone nobody has looked at yet: on-demand places say so instead of showing 0.
  const fresh = people[0]!;
  await page.goto(`${lethe.origin}/#/subjects/${fresh.ref}`);
  const table = page.getByRole('region', { name: 'Where Lethe looked' });
  await expect(table.locator('tr[data-surface="suspended_tickets"]')).toContainText('Not looked at yet');
  await expect(table.locator('tr[data-surface="help_center"]')).toContainText('Not looked at yet');
  await expect(table.locator('tr[data-surface="tickets"]')).toContainText('Yes');
  await table.getByRole('button', { name: 'Look again now' }).click();
  // A first look also reads side conversations ticket by ticket (a budget's worth): give it time.
  await expect(table.locator('tr[data-surface="suspended_tickets"]')).toContainText('Yes', { timeout: 90_000 });
  await expect(table.locator('tr[data-surface="side_conversations"]')).not.toContainText('Not looked at yet');

  // Someone who wrote a suspended ticket: the count links to the items, each with role and reason.
  let found: string | undefined;
  for (const p of people.slice(1)) {
    const { coverage } = await call<{ coverage: Coverage }>(page.request, lethe.origin, lethe.token, 'subjects.look', {
      ref: p.ref,
      surfaces: ['suspended_tickets'],
    });
    if ((coverage.find((c) => c.surface === 'suspended_tickets')?.items ?? 0) > 0) {
      found = p.ref;
      break;
    }
  }
  expect(found).toBeDefined();
  await page.goto(`${lethe.origin}/#/subjects/${found}`);
  const row = table.locator('tr[data-surface="suspended_tickets"]');
  await expect(row).toContainText('Yes');
  await row.getByRole('button', { name: /items: show them/ }).click();
  const items = page.getByRole('region', { name: 'Suspended tickets' });
  await expect(items).toBeVisible();
  await expect(items).toContainText('author');
  await expect(items).toContainText('never became a ticket');

  // Someone with custom field values: the count leads to them, each with its title and why it is theirs.
  type Shown = { ref: string; customFields: Array<{ title: string; value: string; why: string }> };
  let withFields: Shown | undefined;
  for (const p of people) {
    const d = await call<Shown>(page.request, lethe.origin, lethe.token, 'subjects.show', { ref: p.ref });
    if (d.customFields.length > 0) {
      withFields = d;
      break;
    }
  }
  if (!withFields) throw new Error('the demo has nobody with custom field values');
  await page.goto(`${lethe.origin}/#/subjects/${withFields.ref}`);
  await table
    .locator('tr[data-surface="custom_fields"]')
    .getByRole('button', { name: /items: show them/ })
    .click();
  const fields = page.getByRole('region', { name: 'Custom user and organization fields' });
  await expect(fields).toBeVisible();
  const first = withFields.customFields[0]!;
  await expect(fields.locator('tbody tr')).toHaveCount(withFields.customFields.length);
  await expect(fields.locator('tbody tr').first()).toContainText(first.value);
  await expect(fields.locator('tbody tr').first()).toContainText(first.why);
  await page.emulateMedia({ colorScheme: 'dark' });
  await fields.screenshot({ path: '/tmp/lethe-custom-fields-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${lethe.origin}/#/subjects/${found}`);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.emulateMedia({ colorScheme: 'light' });
  await table.screenshot({ path: '/tmp/lethe-coverage-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await table.screenshot({ path: '/tmp/lethe-coverage-dark.png' });

  // The erasure preview of that person shows every place with its decisions, and the suspended
  // ticket they wrote as an item to delete, with its reason.
  const email = people.find((p) => p.ref === found)!.email!;
  const plan = await call<{ id: string }>(page.request, lethe.origin, lethe.token, 'erasure.plan', { subject: email });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${lethe.origin}/#/erasure?plan=${plan.id}`);
  const places = page.getByRole('region', { name: 'Every place the helpdesk keeps the person' });
  await expect(places).toBeVisible();
  const suspendedRow = places.locator('tr[data-surface="suspended_tickets"]');
  await expect(suspendedRow).toContainText('Yes');
  await expect(suspendedRow.locator('td.erasure-pill-delete')).not.toHaveText('0');
  await places.getByText(/Suspended tickets: \d+ item/).click();
  const deleted = places.locator('tr[data-decision="delete"]').first();
  await expect(deleted).toContainText('Delete');
  await expect(places.locator('tr[data-surface="tickets"]')).toContainText('in the tables above');
  await places.screenshot({ path: '/tmp/lethe-plan-surfaces-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await places.screenshot({ path: '/tmp/lethe-plan-surfaces-dark.png' });
});
