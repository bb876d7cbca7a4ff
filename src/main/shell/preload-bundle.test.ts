import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNames } from '../../shared/contract';
import { IPC_EVENT_CHANNEL } from '../../shared/contract/bridge';

const root = resolve(import.meta.dirname, '..', '..', '..');
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

type Handler = (event: unknown, ...args: unknown[]) => void;

/**
 * Builds the real preload bundle with the settings in electron.vite.preload.ts and runs it the
 * way a sandboxed renderer would: CommonJS, and `require` limited to the four modules Electron's
 * sandbox provides. This catches what unit tests of createBridge cannot: an ESM bundle, or a
 * dependency left as `require("zod")`.
 */
describe('the built preload bundle', () => {
  let outDir: string;
  let code: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lethe-preload-'));
    const config = join(outDir, 'electron.vite.check.mjs');
    const snippet = join(root, 'electron.vite.preload.ts');
    await writeFile(
      config,
      `import { preloadConfig } from ${JSON.stringify(snippet)};\n` +
        `export default { preload: preloadConfig(${JSON.stringify(root)}, ${JSON.stringify(join(outDir, 'preload'))}) };\n`,
    );
    const cli = join(dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
    await promisify(execFile)(process.execPath, [cli, 'build', '-c', config, '--logLevel', 'error'], { cwd: root });
    code = await readFile(join(outDir, 'preload', 'index.cjs'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('is a single file', async () => {
    expect((await readdir(join(outDir, 'preload'))).sort()).toEqual(['index.cjs']);
  });

  it('requires nothing a sandboxed preload cannot load', () => {
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !SANDBOX_MODULES.has(name!))).toEqual([]);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('exposes exactly window.lethe = { operations, onEvent } and strips the IPC event', async () => {
    const exposed = new Map<string, unknown>();
    const invoked: Array<[string, unknown]> = [];
    const listeners = new Map<string, Set<Handler>>();
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, payload: unknown) => {
          invoked.push([channel, payload]);
          return { ok: true, value: null };
        },
        on: (channel: string, handler: Handler) => {
          const set = listeners.get(channel) ?? new Set();
          set.add(handler);
          listeners.set(channel, set);
        },
        removeListener: (channel: string, handler: Handler) => listeners.get(channel)?.delete(handler),
      },
    };
    const sandboxRequire = (name: string): unknown => {
      if (name === 'electron') return fakeElectron;
      throw new Error(`module not found: ${name} (sandboxed preloads cannot require it)`);
    };
    const module = { exports: {} };
    runInNewContext(`(function (exports, require, module) {${code}\n})`, {})(module.exports, sandboxRequire, module);

    expect([...exposed.keys()]).toEqual(['lethe']);
    const bridge = exposed.get('lethe') as {
      operations: Record<string, (input: unknown) => Promise<unknown>>;
      onEvent: (l: (...a: unknown[]) => void) => () => void;
    };
    expect(Object.keys(bridge).sort()).toEqual(['onEvent', 'operations']);
    expect(Object.keys(bridge.operations).sort()).toEqual([...operationNames].sort());

    await bridge.operations['app.info']!({});
    expect(invoked).toEqual([['lethe:app.info', {}]]);

    const received: unknown[][] = [];
    const off = bridge.onEvent((...args) => received.push(args));
    for (const handler of listeners.get(IPC_EVENT_CHANNEL) ?? []) {
      handler({ sender: fakeElectron.ipcRenderer }, 'workspaces.changed', { activeId: null });
    }
    expect(received).toEqual([['workspaces.changed', { activeId: null }]]);
    off();
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
  });
});
