import { DEMO_SEED, DEMO_SIZE } from '../../src/main/demo/start-demo';
import { Dataset } from '../../src/sim/dataset';
import { expect, test } from './fixtures';

/** A customer of the demo helpdesk who wrote in a few times (by index into the dataset's users). */
function customerWithTickets(): string {
  const ds = new Dataset(DEMO_SEED, DEMO_SIZE);
  const requested = new Map<number, number>();
  for (let ti = 0; ti < ds.ticketCount; ti++) {
    const r = ds.ticketHead(ti).requester;
    requested.set(r, (requested.get(r) ?? 0) + 1);
  }
  const [index] = [...requested.entries()].find(([i, n]) => n >= 3 && n <= 8 && ds.primaryEmail(i) !== null)!;
  return ds.primaryEmail(index)!;
}

test('a person looked up by e-mail while the first sync runs: each place fetched, then complete, with what is still unknown', async ({
  page,
  lethe,
}) => {
  test.setTimeout(180_000);
  const email = customerWithTickets();
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await page.goto(`${lethe.origin}/#/subjects`);
  await page.getByLabel('Search people').fill(email);
  const panel = page.getByRole('region', { name: 'Fetch this person from the helpdesk now' });
  await expect(panel).toContainText('Nobody in the local cache has this address yet');
  await panel.getByRole('button', { name: `Fetch ${email}` }).click();

  // Every place is listed from the start, and each ends fetched (the demo answers everything).
  const table = panel.getByRole('table', { name: 'What is being fetched' });
  await expect(table.locator('tbody tr')).toHaveCount(10);
  await expect(panel.getByRole('status').filter({ hasText: 'Complete for this person' })).toBeVisible({ timeout: 120_000 });
  await expect(table.locator('tr[data-state="done"]')).toHaveCount(10);
  const requested = table.locator('tr[data-surface="tickets.requester"]');
  await expect(requested).toContainText('Done');
  expect(Number(await requested.locator('td.num').textContent())).toBeGreaterThanOrEqual(3);
  await expect(table.locator('tr[data-surface="comments"] td.num')).not.toHaveText('0');
  // Without a full sync the dossier cannot know mentions in other people's tickets, and says so.
  await expect(panel.locator('.subject-first-unknown')).toContainText('need the full comment index');

  // The person is now in the cache: the search finds them, and the dossier opens from the panel.
  await expect(page.locator('.subject-results, table').filter({ hasText: email }).first()).toBeVisible();
  await panel.getByRole('link', { name: 'Open the dossier' }).click();
  await expect(page).toHaveURL(/#\/subjects\/subj_\d+/);
});
