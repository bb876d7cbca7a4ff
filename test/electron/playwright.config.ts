import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * The small Electron-only suite: shell behaviour that only a real Electron can show (web
 * preferences, CSP, navigation, window.open, permissions, the preload surface). Everything else
 * is covered by vitest in Node and by the browser-mode suite. Needs a built app (`npm run build`)
 * and the Electron binary; without the binary every test reports itself skipped with the reason.
 */
export default defineConfig({
  testDir: fileURLToPath(new URL('.', import.meta.url)),
  testMatch: '*.spec.ts',
  globalSetup: fileURLToPath(new URL('./global-setup.ts', import.meta.url)),
  // Each test launches its own app with its own profile; running them one at a time keeps the
  // suite stable on 2-core CI machines and the single-instance lock out of the picture.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // npm test reads the JSON report to count tests (scripts/test.mjs).
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  outputDir: fileURLToPath(new URL('../../.test-results/electron', import.meta.url)),
});
