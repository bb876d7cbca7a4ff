import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contract, operationNames } from '../../shared/contract';
import { ipcChannelFor, IPC_EVENT_CHANNEL } from '../../shared/contract/bridge';
import type { Result } from '../../shared/errors';
import { createCore, type Core } from '../core/create-core';
import { createMemoryLogger } from '../core/log/logger';
import { MemorySecretStore, secretAccounts } from '../core/secrets/secret-store';
import { EventBus } from '../core/events/event-bus';
import {
  bindContractIpc,
  createOperationHandler,
  describeFrame,
  forwardCoreEvents,
  MAX_IPC_PAYLOAD_CHARS,
  type EventTargetLike,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type RouterLike,
} from './ipc-binding';

const mainFrame = (url: string): FrameLike => ({ url, parent: null });
const subFrame = (url: string): FrameLike => ({ url, parent: mainFrame('app://lethe/') });
const eventFrom = (frame: FrameLike | null): InvokeEventLike => ({ senderFrame: frame });
const APP = mainFrame('app://lethe/');

function fakeRouter(): RouterLike & { calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  return {
    names: ['app.info', 'settings.get'],
    calls,
    async call(name, payload) {
      calls.push([name, payload]);
      return { ok: true, value: { echoed: name } };
    },
  };
}

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, frame: FrameLike | null, ...args: unknown[]): Promise<Result<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return (await handler(eventFrom(frame), ...args)) as Result<unknown>;
  }
}

const log = { warn: () => undefined, error: () => undefined };

describe('createOperationHandler: sender validation', () => {
  it('calls the router for the main frame of the app origin', async () => {
    const router = fakeRouter();
    const handler = createOperationHandler('app.info', router, log);
    expect(await handler(eventFrom(APP), {})).toEqual({ ok: true, value: { echoed: 'app.info' } });
    expect(router.calls).toEqual([['app.info', {}]]);
  });

  it.each([
    ['a subframe of the app', subFrame('app://lethe/')],
    ['a foreign page', mainFrame('https://evil.example/')],
    ['a file:// page', mainFrame('file:///tmp/x.html')],
    ['a devtools:// page', mainFrame('devtools://devtools/bundled/devtools_app.html')],
    ['another app host', mainFrame('app://evil/')],
    ['no frame at all', null],
  ])('refuses %s without calling the router', async (_label, frame) => {
    const warnings: string[] = [];
    const router = fakeRouter();
    const handler = createOperationHandler('app.info', router, { warn: (m) => warnings.push(m), error: () => undefined });
    const result = await handler(eventFrom(frame), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(router.calls).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('treats a disposed frame (reading it throws) as untrusted', async () => {
    const router = fakeRouter();
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    expect(describeFrame(disposed)).toBeNull();
    const result = await createOperationHandler('app.info', router, log)(eventFrom(disposed), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(router.calls).toEqual([]);
  });
});

describe('createOperationHandler: payload bounds', () => {
  it('refuses more than one argument', async () => {
    const router = fakeRouter();
    const result = await createOperationHandler('app.info', router, log)(eventFrom(APP), {}, 'extra');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(router.calls).toEqual([]);
  });

  it('refuses an oversized payload before the schema sees it', async () => {
    const router = fakeRouter();
    const big = { name: 'x'.repeat(MAX_IPC_PAYLOAD_CHARS) };
    const result = await createOperationHandler('app.info', router, log)(eventFrom(APP), big);
    expect(result).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(router.calls).toEqual([]);
  });

  it('refuses a payload JSON cannot represent (cycle)', async () => {
    const router = fakeRouter();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const result = await createOperationHandler('app.info', router, log)(eventFrom(APP), cyclic);
    expect(result).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
  });

  it('turns a router that throws into an internal_error envelope', async () => {
    const router: RouterLike = {
      names: ['app.info'],
      call: () => Promise.reject(new Error('boom /home/alice/secret')),
    };
    const errors: unknown[] = [];
    const result = await createOperationHandler('app.info', router, { warn: () => undefined, error: (_m, d) => errors.push(d) })(
      eventFrom(APP),
      {},
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal_error', message: 'app.info failed unexpectedly; the log has the details' },
    });
    expect(errors).toHaveLength(1);
  });
});

describe('bindContractIpc', () => {
  it('registers exactly one channel per router operation and removes them again', async () => {
    const ipc = new FakeIpcMain();
    const router = fakeRouter();
    const unbind = bindContractIpc({ ipcMain: ipc, router, log });
    expect([...ipc.handlers.keys()]).toEqual(['lethe:app.info', 'lethe:settings.get']);
    expect(await ipc.invoke('lethe:settings.get', APP)).toEqual({ ok: true, value: { echoed: 'settings.get' } });
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('bindContractIpc against the real core', () => {
  let dataDir: string | undefined;
  let core: Core | undefined;
  afterEach(async () => {
    await core?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function setup() {
    dataDir = await mkdtemp(join(tmpdir(), 'lethe-ipc-'));
    const secrets = new MemorySecretStore();
    core = await createCore({ dataDir, face: 'electron', secrets, log: createMemoryLogger() });
    const ipc = new FakeIpcMain();
    bindContractIpc({ ipcMain: ipc, router: core.router, log });
    return { ipc, secrets };
  }

  it('binds every contract operation and nothing else', async () => {
    const { ipc } = await setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(operationNames.map(ipcChannelFor).sort());
    expect(Object.keys(contract).length).toBe(ipc.handlers.size);
  });

  it('returns Result envelopes: a valid call, a zod refusal, an unknown channel', async () => {
    const { ipc } = await setup();
    const info = await ipc.invoke('lethe:app.info', APP, {});
    expect(info).toMatchObject({ ok: true, value: { name: 'Lethe', face: 'electron' } });
    const bad = await ipc.invoke('lethe:settings.set', APP, { theme: 42, injected: true });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await expect(ipc.invoke('lethe:secrets.dump', APP, {})).rejects.toThrow(/No handler/);
  });

  it('never returns the API token over IPC', async () => {
    const { ipc, secrets } = await setup();
    const token = 'tok_VERY_SECRET_0123456789';
    const created = await ipc.invoke('lethe:workspaces.create', APP, {
      name: 'Acme support',
      address: { subdomain: 'acme' },
      email: 'dpo@acme.example',
      apiToken: token,
    });
    expect(created.ok).toBe(true);
    const listed = await ipc.invoke('lethe:workspaces.list', APP, {});
    expect(listed.ok).toBe(true);
    const everything = JSON.stringify([created, listed]);
    expect(everything).not.toContain(token);
    // The token did reach the store, so the absence above is not an accident of a failed create.
    const id = created.ok ? (created.value as { id: string }).id : '';
    expect(await secrets.get(secretAccounts.apiToken(id))).toBe(token);
  });
});

describe('forwardCoreEvents', () => {
  function target(url: string, options: { parent?: FrameLike | null; destroyed?: boolean } = {}) {
    const sent: unknown[][] = [];
    const t: EventTargetLike & { sent: unknown[][] } = {
      sent,
      isDestroyed: () => options.destroyed ?? false,
      mainFrame: { url, parent: options.parent ?? null },
      send: (channel, ...args) => sent.push([channel, ...args]),
    };
    return t;
  }

  it('sends core events to app windows only, without any transport object', () => {
    const bus = new EventBus();
    const app = target('app://lethe/');
    const foreign = target('https://evil.example/');
    const gone = target('app://lethe/', { destroyed: true });
    const stop = forwardCoreEvents(bus, () => [app, foreign, gone], log);
    bus.emit('workspaces.changed', { activeId: 'ws_abc' });
    expect(app.sent).toEqual([[IPC_EVENT_CHANNEL, 'workspaces.changed', { activeId: 'ws_abc' }]]);
    expect(foreign.sent).toEqual([]);
    expect(gone.sent).toEqual([]);
    stop();
    bus.emit('workspaces.changed', { activeId: null });
    expect(app.sent).toHaveLength(1);
  });

  it('keeps delivering to other windows when one send throws', () => {
    const bus = new EventBus();
    const broken: EventTargetLike = {
      isDestroyed: () => false,
      mainFrame: { url: 'app://lethe/', parent: null },
      send: () => {
        throw new Error('Object has been destroyed');
      },
    };
    const ok = target('app://lethe/');
    const warnings: string[] = [];
    forwardCoreEvents(bus, () => [broken, ok], { warn: (m) => warnings.push(m), error: () => undefined });
    bus.emit('workspaces.changed', { activeId: null });
    expect(ok.sent).toHaveLength(1);
    expect(warnings).toEqual(['could not deliver event workspaces.changed']);
  });
});
