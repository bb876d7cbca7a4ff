#!/usr/bin/env node
// Regenerates docs/screenshots/*.png from the built console in Debian's Chromium: each page in light
// and dark, empty and with the demo helpdesk, and an error state. The README shows some of them.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const OUT = 'docs/screenshots';
mkdirSync(OUT, { recursive: true });

function startConsole(demo) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-shots-'));
  const child = spawn(process.execPath, ['bin/lethe.mjs', 'serve', '--port', '0', ...(demo ? ['--demo'] : [])], {
    env: { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: 'lethe-screenshots' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('Lethe is serving at '));
      if (line) resolve({ url: line.slice('Lethe is serving at '.length).trim(), child, dataDir });
    });
    child.once('exit', (code) => reject(new Error(`lethe serve exited with ${code}`)));
  });
}

async function stop(c) {
  c.child.kill('SIGTERM');
  await new Promise((r) => c.child.once('exit', r));
  rmSync(c.dataDir, { recursive: true, force: true });
}

const browser = await chromium.launch({
  ...(existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {}),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

async function shoot(c, name, route, scheme, prepare) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
  await page.goto(c.url);
  if (route) await page.evaluate((r) => (globalThis.location.hash = `#/${r}`), route);
  // Not 'networkidle': the console keeps its event stream open for the life of the page.
  await page.locator('h1').first().waitFor();
  await page.waitForFunction(() => !globalThis.document.querySelector('[aria-busy="true"]'), null, { timeout: 15_000 }).catch(() => {});
  if (prepare) await prepare(page);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, `${name}-${scheme}.png`), fullPage: false });
  await page.close();
  console.log(`${OUT}/${name}-${scheme}.png`);
}

const empty = await startConsole(false);
for (const scheme of ['light', 'dark']) {
  await shoot(empty, 'welcome', null, scheme);
  await shoot(empty, 'settings-empty', 'settings', scheme);
  await shoot(empty, 'settings-error', 'settings', scheme, async (page) => {
    await page.getByLabel('Connection name').fill('Acme support');
    await page.getByLabel('Full address').check();
    await page.getByLabel('Address', { exact: true }).fill('http://helpdesk.acme.example');
    await page.getByLabel('Agent e-mail').fill('dpo@acme.example');
    await page.getByLabel('API token').fill('not-a-real-token-123');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('alert').waitFor();
  });
}
await stop(empty);

const demo = await startConsole(true);
// The demo starts its first sync with the console: shoot once the cache has data.
const waiter = await browser.newPage();
await waiter.goto(demo.url);
await waiter.waitForFunction(() => /data as of: \d/.test(globalThis.document.querySelector('.data-as-of')?.textContent ?? ''), null, {
  timeout: 120_000,
});
await waiter.close();
/** The demo's request register, whole page (dashboard, due this week, the queue), light and dark. */
async function shootDemoRegister(c) {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    await page.goto(c.url);
    await page.evaluate(() => (globalThis.location.hash = '#/requests'));
    await page
      .getByRole('region', { name: /Requests, \d+ shown/ })
      .locator('tbody tr')
      .first()
      .waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, `demo-register-${scheme}.png`), fullPage: true });
    console.log(`${OUT}/demo-register-${scheme}.png`);
    // The information sheet editor with a template applied and marked "to review".
    await page.evaluate(() => (globalThis.location.hash = '#/settings?focus=sheet-rights'));
    await page.getByRole('button', { name: /Fill \d+ empty statutory section/ }).click();
    await page.locator('#sheet-rights').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, `settings-sheet-templates-${scheme}.png`), fullPage: false });
    console.log(`${OUT}/settings-sheet-templates-${scheme}.png`);
    await page.close();
  }
}

await shootDemoRegister(demo);
const prepareFor = {
  subjects: async (page) => {
    await page.getByLabel('Search people').fill('mail.example');
    await page.getByRole('row').nth(3).waitFor();
  },
};
for (const scheme of ['light', 'dark']) {
  for (const route of ['requests', 'subjects', 'erasure', 'archives', 'audit', 'sync', 'settings']) {
    await shoot(demo, `demo-${route}`, route, scheme, prepareFor[route]);
  }
}
await stop(demo);
await browser.close();
