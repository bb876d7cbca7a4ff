#!/usr/bin/env node
// `npm test`: build, type-check, lint, unit + integration tests (vitest), browser tests (Playwright
// in Chromium against browser mode) and the Electron suite (skipped with its reason where Electron
// cannot run). Ends with one plain line "N passed, N failed[, N skipped]" that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const env = { ...process.env };

// The conformance suite checks against Zendesk's spec from the shared folder beside the checkout.
const sharedSpec = join('..', 'shared', 'reference', 'zendesk-support-oas.yaml');
if (!env.LETHE_ZENDESK_OAS && existsSync(sharedSpec)) env.LETHE_ZENDESK_OAS = resolve(sharedSpec);

// The keychain tests need a Secret Service. Without a D-Bus session, re-run this script inside a
// throw-away one with an unlocked throw-away keyring, as CI does, rather than skipping them.
if (!env.DBUS_SESSION_BUS_ADDRESS && !env.LETHE_TEST_IN_DBUS && process.platform === 'linux') {
  const haveDbus =
    spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v dbus-send && command -v gnome-keyring-daemon'], { stdio: 'ignore' })
      .status === 0;
  if (haveDbus) {
    const result = spawnSync('scripts/in-test-keyring.sh', ['node', 'scripts/test.mjs'], { stdio: 'inherit', env });
    process.exit(result.status ?? 1);
  }
  console.warn('No D-Bus session and no gnome-keyring-daemon: the keychain tests will fail. See README "Tests".');
}

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
mkdirSync('.test-results', { recursive: true });

function run(label, command, args, extraEnv = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status === 0;
}

/** A step that is a single check (build, types, lint) counts as one test. */
function check(label, command, args) {
  if (run(label, command, args)) results.passed += 1;
  else {
    results.failed += 1;
    failures.push(label);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

check('build', 'npx', ['electron-vite', 'build']);
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
check('format', 'npx', ['prettier', '--check', '--log-level', 'warn', 'src', 'test', 'bench', 'scripts']);

// vitest: unit tests next to the code, integration and conformance tests under test/.
rmSync('.test-results/vitest.json', { force: true });
const vitestOk = run('unit and integration tests', 'npx', ['vitest', 'run']);
const vitest = readJson('.test-results/vitest.json');
if (vitest) {
  results.passed += vitest.numPassedTests;
  results.failed += vitest.numFailedTests;
  results.skipped += vitest.numPendingTests + vitest.numTodoTests;
  if (vitest.numFailedTests > 0 || !vitestOk) failures.push('vitest');
  // A suite that failed to load has no test results but still failed.
  if (!vitestOk && vitest.numFailedTests === 0) results.failed += Math.max(1, vitest.numFailedTestSuites);
} else {
  results.failed += 1;
  failures.push('vitest (no report)');
}

function playwright(label, config, output) {
  rmSync(output, { force: true });
  // Absolute: Playwright resolves a relative report path against the config file's folder.
  const ok = run(label, 'npx', ['playwright', 'test', '-c', config], { PLAYWRIGHT_JSON_OUTPUT_NAME: resolve(output) });
  const report = readJson(output);
  if (!report) {
    results.failed += 1;
    failures.push(`${label} (no report)`);
    return;
  }
  results.passed += report.stats.expected + report.stats.flaky;
  results.failed += report.stats.unexpected;
  results.skipped += report.stats.skipped;
  if (!ok || report.stats.unexpected > 0) {
    failures.push(label);
    if (report.stats.unexpected === 0) results.failed += 1;
  }
}

playwright('browser tests (Chromium, browser mode)', 'playwright.config.ts', '.test-results/playwright.json');
playwright('Electron tests', 'test/electron/playwright.config.ts', '.test-results/playwright-electron.json');

if (failures.length > 0) console.log(`\nFailed: ${failures.join(', ')}`);
const skipped = results.skipped > 0 ? `, ${results.skipped} skipped` : '';
console.log(`\n${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed > 0 ? 1 : 0);
