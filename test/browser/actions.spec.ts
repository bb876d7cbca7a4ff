import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

async function call<T>(request: APIRequestContext, origin: string, token: string, name: string, input: unknown): Promise<T> {
  const response = await request.post(`${origin}/api/${name}`, { data: input, headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

test('restriction and objection ask for confirmation, a reason and the request; the dossier shows what is in effect', async ({
  page,
  lethe,
}) => {
  test.setTimeout(300_000);
  const api = <T>(name: string, input: unknown) => call<T>(page.request, lethe.origin, lethe.token, name, input);
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await api('sync.start', {});
  await expect
    .poll(async () => (await api<{ outcome: string | null }>('sync.status', {})).outcome, { timeout: 200_000, intervals: [1_000] })
    .toBe('done');

  const { results } = await api<{ results: Array<{ email: string | null; ref: string }> }>('subjects.search', { query: 'a', limit: 50 });
  const [person, other] = results.filter((r) => r.email !== null);
  const userId = Number(person!.ref.slice('subj_'.length));
  const created = await api<{ id: string; reference: string }>('requests.create', {
    type: 'restriction',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date().toISOString(),
    requester: { name: 'Browser Person', email: 'browser.person@example.test' },
    subjectId: userId,
  });

  await page.goto(`${lethe.origin}/#/subjects/${person!.ref}`);
  await page.getByRole('button', { name: 'Restrict, rectify, object…' }).click();

  // One click opens the confirmation; nothing is sent until it is confirmed with a reason.
  await page.getByRole('button', { name: 'Restrict processing…' }).click();
  const confirm = page.getByRole('group', { name: /Restrict processing of this person/ });
  await expect(confirm).toBeVisible();
  const go = confirm.getByRole('button', { name: 'Restrict processing', exact: true });
  await expect(go).toBeDisabled();
  expect((await api<{ restriction: string }>('actions.state', { subjectRef: person!.ref })).restriction).toBe('none');
  await confirm.getByLabel(/Reason/).fill('Accuracy contested by the person');
  await confirm.getByLabel(/Request it answers/).selectOption(created.id);
  await go.click();

  await expect(page.getByRole('button', { name: 'Restricted' })).toBeDisabled();
  await expect(page.getByRole('status', { name: 'In effect for this person' })).toContainText('Processing restricted');
  const [restriction] = (
    await api<{ actions: Array<{ action: string; requestId: string | null; reason: string | null }> }>('actions.list', {
      subjectRef: person!.ref,
    })
  ).actions;
  expect(restriction).toMatchObject({ action: 'restrict', requestId: created.id, reason: 'Accuracy contested by the person' });

  // The marker comes from the journal: a reload shows it with the actions panel closed.
  await page.reload();
  await expect(page.getByRole('status', { name: 'In effect for this person' })).toContainText('Processing restricted');

  await page.getByRole('button', { name: 'Restrict, rectify, object…' }).click();
  await page.getByRole('button', { name: 'No marketing…' }).click();
  const objection = page.getByRole('group', { name: /Record an objection/ });
  await objection.getByLabel(/Reason/).fill('Asked by e-mail');
  await objection.getByRole('button', { name: /Record/ }).click();
  await expect(page.getByRole('button', { name: 'No marketing: recorded' })).toBeDisabled();

  // An e-mail change to another user's address is refused in the preview, in words.
  await page.getByLabel('New primary e-mail').fill(other!.email!);
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await expect(page.getByRole('alert')).toContainText('another helpdesk user');
  await expect(page.getByRole('button', { name: /^Apply/ })).toHaveCount(0);

  // The audit trail says it in words and names the request.
  await page.goto(`${lethe.origin}/#/audit`);
  const row = page.getByRole('row', { name: /Processing restricted/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Reason recorded');
  await expect(page.getByRole('region', { name: 'Audit entries' })).not.toContainText('actions.restrict');

  // Request and dossier link both ways; an archive made from the panel carries the chosen request.
  await page.goto(`${lethe.origin}/#/requests/${created.id}`);
  await page.getByRole('link', { name: `Open the dossier of helpdesk user ${userId}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/subjects/${person!.ref}`));
  // The dossier knows the request it was opened from, links back to it, and files work under it (#19 item 3).
  const context = page.getByRole('note').filter({ hasText: 'Working on' });
  await expect(context.getByRole('link', { name: new RegExp(`${created.reference} \\(GDPR restriction request\\)`) })).toHaveAttribute(
    'href',
    `#/requests/${created.id}`,
  );
  await page.getByRole('button', { name: 'Portability archive…' }).click();
  await expect(page.getByLabel('Request it answers')).toHaveValue(created.id);
  await page.getByRole('button', { name: /Create/ }).click();
  await expect
    .poll(
      async () =>
        (await api<{ request: { links: Array<{ kind: string }> } }>('requests.get', { id: created.id })).request.links.map((l) => l.kind),
      {
        timeout: 60_000,
      },
    )
    .toContain('archive');
});
