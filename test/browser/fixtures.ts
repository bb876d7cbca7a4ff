import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type TestInfo } from '@playwright/test';

export interface Console {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  /** What `lethe serve` wrote to stderr so far: its log, shown when a test fails. */
  stderr: () => string;
}

/**
 * Starts the built `lethe serve` as a subprocess with its own data directory and keychain service,
 * exactly as a person would, and reads the one line it prints.
 */
export async function startConsole(options: { demo?: boolean } = {}): Promise<Console> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lethe-browser-'));
  const child = spawn(process.execPath, ['bin/lethe.mjs', 'serve', '--port', '0', ...(options.demo ? ['--demo'] : [])], {
    env: { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: `lethe-browser-test-${Date.now()}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`lethe serve did not announce itself: ${stderr}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const found = out.split('\n').find((l) => l.startsWith('Lethe is serving at '));
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => reject(new Error(`lethe serve exited with ${code}: ${stderr}`)));
  });
  const url = line.slice('Lethe is serving at '.length).trim();
  const parsed = new URL(url);
  const token = /token=([^&]+)/.exec(parsed.hash)?.[1] ?? '';
  return { url, origin: parsed.origin, token, dataDir, process: child, stderr: () => stderr };
}

const STOP_DEADLINE_MS = 15_000;

/**
 * Stops the console; given the test's info, shows the server's log when the test failed. A server
 * that crashed earlier, or does not stop, fails here with its log rather than hanging the hook.
 */
export async function stopConsole(c: Console, testInfo?: TestInfo): Promise<void> {
  // A server that already exited (a crash) would never emit 'exit' again: waiting would hang the hook.
  const alreadyExited = c.process.exitCode !== null || c.process.signalCode !== null;
  const exited = alreadyExited ? Promise.resolve(true) : new Promise<boolean>((r) => c.process.once('exit', () => r(true)));
  c.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([exited, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_DEADLINE_MS)))]);
  clearTimeout(timer);
  if (!stopped) {
    c.process.kill('SIGKILL');
    await exited;
  }
  await rm(c.dataDir, { recursive: true, force: true });
  if (alreadyExited || !stopped) {
    const what = alreadyExited
      ? `had already exited (${c.process.exitCode ?? c.process.signalCode}) before the test ended`
      : `did not stop within ${STOP_DEADLINE_MS} ms of SIGTERM`;
    throw new Error(`lethe serve ${what}; its log:\n${c.stderr().slice(-4000)}`);
  }
  // The server's log names what the page only shows as an error code (a keychain call's cause, say).
  if (testInfo && testInfo.status !== testInfo.expectedStatus && c.stderr().length > 0) {
    await testInfo.attach('lethe-serve.log', { body: c.stderr(), contentType: 'text/plain' });
    console.log(`--- lethe serve's log for "${testInfo.title}":\n${c.stderr().slice(-4000)}`);
  }
}

export const test = base.extend<{ lethe: Console }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument
  lethe: async ({}, use, testInfo) => {
    const c = await startConsole();
    await use(c);
    await stopConsole(c, testInfo);
  },
});

export { expect } from '@playwright/test';
