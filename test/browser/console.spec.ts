import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './fixtures';

const HELPDESK_TOKEN = 'zd-browser-test-token-1d3e5f7a9c';

async function readAll(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile());
  return (await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name)).then((b) => b.toString('latin1'))))).join('\n');
}

test('opens on the welcome page and takes the session token out of the address bar', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await expect(page).toHaveTitle('Lethe');
  await expect(page.getByRole('heading', { name: 'Welcome to Lethe' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try the demo helpdesk' })).toBeVisible();
  expect(page.url()).not.toContain(lethe.token);
  // A reload of the same tab keeps working without the fragment.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Welcome to Lethe' })).toBeVisible();
});

test('navigates every page by keyboard and by click', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  for (const name of ['Requests', 'Subjects', 'Erasure', 'Archives', 'Audit', 'Sync']) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
    // Before any workspace exists the console shows the welcome page, except on Settings.
    await expect(page.getByRole('link', { name })).toBeVisible();
  }
  await page.getByRole('link', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
});

test('adds a helpdesk connection and never shows or stores its token outside the keychain', async ({ page, lethe }) => {
  const replies: string[] = [];
  page.on('response', async (response) => {
    if (response.url().includes('/api/')) replies.push(await response.text().catch(() => ''));
  });
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Add a helpdesk connection' }).click();
  await page.getByLabel('Connection name').fill('Acme support');
  await page.getByLabel('Subdomain', { exact: true }).fill('acme');
  await page.getByLabel('Agent e-mail').fill('dpo@acme.example');
  await page.getByLabel('API token').fill(HELPDESK_TOKEN);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByRole('cell', { name: 'https://acme.zendesk.com' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'in keychain' })).toBeVisible();
  await expect(page.locator('#workspace-select')).toHaveValue(/ws_/);

  // Nowhere in the page (text, attribute values, input values), the API replies or the data directory.
  const html = await page.content();
  const inputs = await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).join('\n'));
  expect(html).not.toContain(HELPDESK_TOKEN);
  expect(inputs).not.toContain(HELPDESK_TOKEN);
  expect(replies.length).toBeGreaterThan(0);
  expect(replies.join('\n')).not.toContain(HELPDESK_TOKEN);
  expect(await readAll(lethe.dataDir)).not.toContain(HELPDESK_TOKEN);
});

test('shows a visible error when input is refused', async ({ page, lethe }) => {
  await page.goto(`${lethe.url}`);
  await page.goto(`${lethe.origin}/#/settings`);
  await page.getByLabel('Connection name').fill('Bad');
  await page.getByLabel('Full address').check();
  await page.getByLabel('Address', { exact: true }).fill('http://not-loopback.example');
  await page.getByLabel('Agent e-mail').fill('dpo@acme.example');
  await page.getByLabel('API token').fill(HELPDESK_TOKEN);
  await page.getByRole('button', { name: 'Save connection' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The connection was not saved');
  await expect(alert).toContainText('invalid_input');
});

test('the API refuses calls without the token, even from the page itself', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  const status = await page.evaluate(
    async () => (await fetch('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status,
  );
  expect(status).toBe(401);
});

test('blocks inline scripts through the Content-Security-Policy', async ({ page, lethe }) => {
  const response = await page.goto(lethe.url);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByRole('heading', { name: 'Welcome to Lethe' })).toBeVisible();
  // An injected inline script (the shape of an XSS) must not run, and the browser must report it.
  const outcome = await page.evaluate(
    () =>
      new Promise<{ ran: boolean; violated: string | null }>((resolve) => {
        let violated: string | null = null;
        document.addEventListener('securitypolicyviolation', (e) => (violated = e.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'document.body.dataset.injected = "yes"';
        document.body.appendChild(script);
        setTimeout(() => resolve({ ran: document.body.dataset.injected === 'yes', violated }), 200);
      }),
  );
  expect(outcome.ran).toBe(false);
  expect(outcome.violated).toMatch(/^script-src/);
});

test('follows the OS dark theme', async ({ page, lethe }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(lethe.url);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(15, 20, 27)');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 247, 249)');
});

test('starts the demo helpdesk from the welcome page and connects to it', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await expect(page.locator('#workspace-select option:checked')).toHaveText('Demo helpdesk (demo)');
  await page.getByRole('link', { name: 'Settings' }).click();
  const row = page.getByRole('row', { name: /Demo helpdesk/ });
  await row.getByRole('button', { name: 'Test' }).click();
  await expect(row.getByRole('status')).toHaveText('Connected');
});

test('edits the erasure exemption rules of the active workspace in Settings', async ({ page, lethe }) => {
  await page.goto(lethe.url);
  await page.getByRole('button', { name: 'Try the demo helpdesk' }).click();
  await expect(page.locator('#workspace-select')).toHaveValue('ws_demo0000', { timeout: 30_000 });
  await page.getByRole('link', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Erasure exemptions' });
  await expect(form.getByLabel('Tag', { exact: true }).first()).toHaveValue('legal_hold');
  await form.getByRole('button', { name: 'Add a tag rule' }).click();
  await form.getByLabel('Tag', { exact: true }).last().fill('has spaces');
  await form.getByRole('button', { name: 'Save exemption rules' }).click();
  await expect(form.getByRole('alert')).toContainText('invalid_input');
  await form.getByLabel('Tag', { exact: true }).last().fill('tax_audit');
  await form.getByLabel('Ground').last().selectOption('legal_obligation');
  await form.getByRole('button', { name: 'Save exemption rules' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved');
  await page.reload();
  await expect(page.getByRole('form', { name: 'Erasure exemptions' }).getByLabel('Tag', { exact: true }).last()).toHaveValue('tax_audit');
});
