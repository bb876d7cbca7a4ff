import type { Page } from '@playwright/test';
import { expect, startConsole, stopConsole, test, type Console } from './fixtures';

/** The queue puts what an officer acts on first, and the overdue chart agrees with the overdue figure. */
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

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

test('new unverified requests are announced above the queue, the charts come after it, and the overdue chart has one labelled line', async ({
  page,
}) => {
  await page.goto(lethe.url);
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  for (const [days, email] of [
    [40, 'late@example.test'],
    [2, 'new@example.test'],
  ] as const) {
    await api(page, 'requests.create', {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: daysAgo(days),
      requester: { email },
    });
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Requests' }).click();
  const banner = page.locator('.unverified-banner');
  await expect(banner).toContainText('3 new requests await identity verification');
  const firstChart = page.locator('.chart-card').first();
  await expect(firstChart).toBeVisible();
  const bannerBox = await banner.boundingBox();
  const queueBox = await page.getByRole('heading', { name: 'Queue' }).boundingBox();
  const chartBox = await firstChart.boundingBox();
  expect(bannerBox!.y).toBeLessThan(queueBox!.y);
  expect(queueBox!.y).toBeLessThan(chartBox!.y);

  // The overdue chart: one line, named, ending on the figure shown above.
  const overdueCard = page.locator('.chart-card', { hasText: 'Overdue requests at the end of each week' });
  await expect(overdueCard.locator('.recharts-line')).toHaveCount(1);
  await expect(overdueCard.locator('.chart-line-muted')).toHaveCount(0);
  const dashboard = (await api(page, 'requests.dashboard', {})) as { overdue: number; overdueTrend: { overdue: number }[] };
  // The demo's own overdue request, and the one received 40 days ago here.
  expect(dashboard.overdue).toBe(2);
  expect(dashboard.overdueTrend.at(-1)?.overdue).toBe(dashboard.overdue);
  await expect(overdueCard).toContainText('Now: 2 overdue, the figure above.');
  await expect(page.locator('.stat-danger .stat-value')).toHaveText('2');
  await page.screenshot({ path: '/tmp/lethe-queue-light.png', fullPage: true });
});
