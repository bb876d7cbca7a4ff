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

// The dossier (issue 15's order: who, what is held, the lists; actions beside them) for a person
// with a suggested link, a large subject and an error; and the suggested-links panel (issue 17).
async function api(c, name, input) {
  const url = new URL(c.url);
  const token = /token=([^&]+)/.exec(url.hash)?.[1] ?? '';
  const response = await fetch(`${url.origin}/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  const body = await response.json();
  if (!body.ok) throw new Error(`${name}: ${body.error?.code}`);
  return body.value;
}
const seen = new Map();
for (const query of ['a', 'e', 'i', 'o', 'u', 'n', 'm']) {
  for (const r of (await api(demo, 'subjects.search', { query, limit: 500 })).results) seen.set(r.userId, r);
}
const results = [...seen.values()];
const groups = new Map();
for (const r of results) {
  const digits = (r.phone ?? '').split(/ext/i)[0].replace(/\D/g, '');
  if (digits.length >= 7) groups.set(digits, [...(groups.get(digits) ?? []), r]);
}
let pair;
for (const group of [...groups.values()].filter((g) => g.length === 2)) {
  for (const r of group) await api(demo, 'sync.refreshSubject', { userId: r.userId });
  const links = await api(demo, 'subjects.links', { ref: group[0].ref });
  if (links.suggestions.some((x) => x.userId === group[1].userId)) {
    pair = group[0];
    break;
  }
}
const largest = [...results].sort((a, b) => b.tickets - a.tickets)[0];
for (const scheme of ['light', 'dark']) {
  if (pair) {
    await shoot(demo, 'dossier', `subjects/${pair.ref}`, scheme);
    await shoot(demo, 'dossier-suggested-links', `subjects/${pair.ref}`, scheme, async (page) => {
      await page.locator('#suggested-links-h').scrollIntoViewIfNeeded();
    });
  }
  if (largest) await shoot(demo, 'dossier-large', `subjects/${largest.ref}`, scheme);
  await shoot(demo, 'dossier-error', 'subjects/subj_999999999', scheme, async (page) => {
    await page.getByRole('alert').waitFor();
  });
  if (pair) {
    await shoot(demo, 'dossier-actions', `subjects/${pair.ref}`, scheme, async (page) => {
      await page.getByRole('button', { name: 'Restrict, rectify, object…' }).click();
      await page.getByText(/I have informed the person/).scrollIntoViewIfNeeded();
    });
  }
}

// The erasure confirmation of a person other people's tickets quote (#19 item 6): the mentions kept
// after review, with their words and ticket titles, waiting for the officer's acknowledgement.
const quoted = await api(demo, 'erasure.plan', { subject: 'zoe.lefevre17@example.com' });
await api(demo, 'erasure.revalidate', { planId: quoted.id });
for (const scheme of ['light', 'dark']) {
  await shoot(demo, 'erasure-confirm-mentions', `erasure?plan=${quoted.id}`, scheme, async (page) => {
    await page.getByLabel(/Type the subject/).fill('zoe.lefevre17@example.com');
    await page.locator('.erasure-confirm').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  });
}
// The same checked plan's "Every place the helpdesk keeps the person" (#12): each surface searched
// live or why not, what was found and the decisions, with the items of the first surface open.
for (const scheme of ['light', 'dark']) {
  await shoot(demo, 'erasure-plan-surfaces', `erasure?plan=${quoted.id}`, scheme, async (page) => {
    const places = page.getByRole('region', { name: 'Every place the helpdesk keeps the person' });
    await places.locator('summary').first().click();
    await places.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  });
}
await stop(demo);
await browser.close();
