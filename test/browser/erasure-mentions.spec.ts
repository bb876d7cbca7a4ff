import { readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * #19 item 6: the confirmation summary shows the mentions left for review (their words and their
 * ticket's title) and the run waits until the officer acknowledges them; the preview offers to
 * redact the subject's name beside a quoted address, per mention.
 */

// In the demo helpdesk, three other people's tickets quote her address with her name beside it.
const SUBJECT = 'zoe.lefevre17@example.com';
const NAME = 'Zoé Lefèvre';

async function call<T>(
  request: APIRequestContext,
  origin: string,
  token: string,
  name: string,
  input: unknown,
): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  const response = await request.post(`${origin}/api/${name}`, { data: input, headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
}

interface Plan {
  id: string;
  state: string;
  counts: { tickets: Record<string, number>; mentionsForReview: number };
  mentions: Array<{
    commentId: number;
    ticketId: number;
    ticketTitle: string;
    excerpt: string;
    decision: string;
    name: { strings: string[]; redact: boolean } | null;
  }>;
}

test('the preview offers the name beside a quoted address; the confirmation lists the mentions kept after review with their words and tickets, and erases only once they are acknowledged', async ({
  page,
  lethe,
}) => {
  test.setTimeout(300_000);
  const api = <T>(name: string, input: unknown) => call<T>(page.request, lethe.origin, lethe.token, name, input);
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const s = await api<{ outcome: string | null }>('sync.status', {});
        return s.ok ? s.value.outcome : null;
      },
      { timeout: 240_000, intervals: [1_000] },
    )
    .toBe('done');

  await page.evaluate((s) => (window.location.hash = `#/erasure?subject=${encodeURIComponent(s)}`), SUBJECT);
  await expect(page.getByRole('heading', { name: SUBJECT })).toBeVisible({ timeout: 30_000 });
  const planId = new URLSearchParams(page.url().split('?')[1]).get('plan')!;
  const planned = await api<Plan>('erasure.getPlan', { planId });
  if (!planned.ok) throw new Error(planned.error.message);
  const review = planned.value.mentions.filter((m) => m.decision === 'review');
  expect(review.length).toBeGreaterThan(0);
  expect(planned.value.counts.mentionsForReview).toBe(review.length);

  // The preview: each mention with its words, its ticket and the choice about the name beside the address.
  const list = page.getByRole('region', { name: /Mentions in other people's comments/ });
  await expect(list.locator('.erasure-mention')).toHaveCount(planned.value.mentions.length);
  const first = list.locator('.erasure-mention').filter({ hasText: review[0]!.excerpt });
  await expect(first).toContainText(review[0]!.ticketTitle);
  const nameChoice = first.getByRole('checkbox', { name: new RegExp(`Also redact the name “${NAME}” beside the address`) });
  await expect(nameChoice).toBeChecked();

  // Redact one of them instead (an override of its ticket, in the table): its name goes with the
  // address by default, and declining it is saved in the plan.
  expect(review.length).toBeGreaterThan(1);
  const [redacted, ...kept] = review as [Plan['mentions'][number], ...Plan['mentions']];
  const row = page
    .locator('table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^#${redacted.ticketId}$`) }) });
  await row.getByRole('button', { name: 'Override' }).click();
  const form = page.locator('.erasure-override-form');
  await form.getByRole('combobox', { name: 'Decision' }).selectOption('redact');
  await form.getByLabel(/^Reason \(kept in the receipt/).fill('The colleague asked for her details to be removed too');
  await form.getByRole('button', { name: 'Save override' }).click();
  const mention = list.locator('.erasure-mention').filter({ hasText: redacted.excerpt });
  await expect(mention.locator('.pill')).toHaveText('Redacted');
  const redactName = mention.getByRole('checkbox', { name: `Also redact the name “${NAME}” beside the address` });
  await expect(redactName).toBeChecked();
  const nameOf = async () => {
    const p = await api<Plan>('erasure.getPlan', { planId });
    return p.ok ? p.value.mentions.find((m) => m.commentId === redacted.commentId)?.name?.redact : undefined;
  };
  // The checkbox follows the saved plan, so it is clicked (not "unchecked") and read back.
  await redactName.click();
  await expect(redactName).not.toBeChecked();
  expect(await nameOf()).toBe(false);
  await redactName.click();
  await expect(redactName).toBeChecked();
  expect(await nameOf()).toBe(true);

  await page.getByRole('button', { name: /Check against the live helpdesk/ }).click();
  await expect(page.getByText(/Checked against the live helpdesk/)).toBeVisible({ timeout: 30_000 });

  // The confirmation summary: the mentions kept as they are, with their words and ticket titles.
  const keptRegion = page.getByRole('region', { name: /Kept as they are after review/ });
  await expect(keptRegion.getByRole('heading')).toHaveText(`Kept as they are after review · ${kept.length}`);
  await expect(keptRegion.locator('.erasure-mention')).toHaveCount(kept.length);
  for (const m of kept) {
    const item = keptRegion.locator('.erasure-mention').filter({ hasText: m.excerpt });
    await expect(item).toHaveCount(1);
    await expect(item).toContainText(`#${m.ticketId}`);
    await expect(item).toContainText(m.ticketTitle);
  }
  // And the one redacted instead, with the name beside the address.
  const redactedRegion = page.getByRole('region', { name: /Redacted in other people's comments/ });
  const redactedItem = redactedRegion.locator('.erasure-mention');
  await expect(redactedItem).toHaveCount(1);
  await expect(redactedItem).toContainText(redacted.excerpt);
  await expect(redactedItem).toContainText(redacted.ticketTitle);
  await expect(redactedItem).toContainText(`The address and the name “${NAME}” are redacted.`);
  await page.getByLabel(/Type the subject/).fill(SUBJECT);
  const erase = page.getByRole('button', { name: /^Erase: delete/ });
  // Not until the mentions are acknowledged; and the API refuses a confirmation without them.
  await expect(erase).toBeDisabled();
  await expect(page.getByRole('note').filter({ hasText: `Confirm the ${kept.length} mention(s) kept after review` })).toBeVisible();
  const checked = await api<Plan>('erasure.getPlan', { planId });
  if (!checked.ok) throw new Error(checked.error.message);
  const refused = await api('erasure.execute', {
    planId,
    confirm: { subject: SUBJECT, deleteTickets: checked.value.counts.tickets.delete, redactTickets: checked.value.counts.tickets.redact },
  });
  expect(refused.ok ? 'ran' : refused.error.code).toBe('mentions_unreviewed');
  const still = await api<Plan>('erasure.getPlan', { planId });
  expect(still.ok && still.value.state).toBe('draft');

  await page.locator('.erasure-confirm').scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/lethe-erasure-confirm-mentions-light.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: '/tmp/lethe-erasure-confirm-mentions-dark.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  await keptRegion.getByRole('checkbox', { name: `I have read these ${kept.length} mention(s) and keep them as they are` }).check();
  await expect(erase).toBeEnabled();
  await erase.click();
  await expect(page.getByRole('button', { name: 'Download receipt' })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText(/Run: completed/)).toBeVisible();
  // The receipt counts the name redacted beside the address and the mentions kept after review.
  const status = await api<{ receipt: { json: string } | null }>('erasure.status', { runId: planId });
  if (!status.ok || !status.value.receipt) throw new Error('no receipt');
  const receipt = JSON.parse(await readFile(status.value.receipt.json, 'utf8')) as { counts: Record<string, number> };
  expect(receipt.counts).toMatchObject({ namesRedacted: 1, mentionsLeftForReview: kept.length });
});
