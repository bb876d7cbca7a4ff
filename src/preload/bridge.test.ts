import { describe, expect, it } from 'vitest';
import { contract, operationNames } from '../shared/contract';
import { IPC_EVENT_CHANNEL } from '../shared/contract/bridge';
import { createBridge, type Invoke, type Subscribe } from './bridge';

type Handler = (event: unknown, ...args: unknown[]) => void;

function fakes() {
  const invoked: Array<[string, unknown]> = [];
  const handlers = new Map<string, Set<Handler>>();
  const invoke: Invoke = async (channel, payload) => {
    invoked.push([channel, payload]);
    return { ok: true, value: channel };
  };
  const subscribe: Subscribe = (channel, handler) => {
    const set = handlers.get(channel) ?? new Set();
    set.add(handler);
    handlers.set(channel, set);
    return () => set.delete(handler);
  };
  // What ipcRenderer does: the event object first, then the arguments main sent.
  const emit = (channel: string, ...args: unknown[]) => {
    const fakeEvent = { sender: { invoke, send: () => undefined }, senderId: 0 };
    for (const handler of handlers.get(channel) ?? []) handler(fakeEvent, ...args);
  };
  return { invoked, handlers, invoke, subscribe, emit };
}

describe('createBridge', () => {
  it('exposes only operations and onEvent', () => {
    const { invoke, subscribe } = fakes();
    const bridge = createBridge(invoke, subscribe);
    expect(Object.keys(bridge).sort()).toEqual(['onEvent', 'operations']);
  });

  it('has one function per contract operation, keyed by its name, and nothing else', () => {
    const { invoke, subscribe } = fakes();
    const ops = createBridge(invoke, subscribe).operations as unknown as Record<string, unknown>;
    expect(Object.keys(ops).sort()).toEqual([...operationNames].sort());
    expect(Object.keys(ops).sort()).toEqual(Object.keys(contract).sort());
    for (const name of operationNames) expect(typeof ops[name]).toBe('function');
  });

  it('has no generic entry point: unknown names are absent', () => {
    const { invoke, subscribe } = fakes();
    const bridge = createBridge(invoke, subscribe) as unknown as Record<string, unknown>;
    const ops = bridge.operations as Record<string, unknown>;
    for (const key of ['invoke', 'send', 'on', 'ipcRenderer', 'call', 'secrets.get', 'lethe:app.info', '__proto__x']) {
      expect(Object.hasOwn(ops, key)).toBe(false);
      expect(Object.hasOwn(bridge, key)).toBe(false);
    }
  });

  it('calls the operation channel with exactly one argument', async () => {
    const { invoke, subscribe, invoked } = fakes();
    const ops = createBridge(invoke, subscribe).operations as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await expect(ops['settings.set']!({ theme: 'dark' }, 'smuggled')).resolves.toEqual({ ok: true, value: 'lethe:settings.set' });
    expect(invoked).toEqual([['lethe:settings.set', { theme: 'dark' }]]);
  });

  it('delivers events as (name, payload), without the IPC event object', () => {
    const { invoke, subscribe, emit } = fakes();
    const bridge = createBridge(invoke, subscribe);
    const received: unknown[][] = [];
    bridge.onEvent((...args: unknown[]) => received.push(args));
    emit(IPC_EVENT_CHANNEL, 'workspaces.changed', { activeId: 'ws_1' });
    expect(received).toEqual([['workspaces.changed', { activeId: 'ws_1' }]]);
    expect(JSON.stringify(received)).not.toContain('sender');
  });

  it('drops events whose name is not a contract event', () => {
    const { invoke, subscribe, emit } = fakes();
    const bridge = createBridge(invoke, subscribe);
    const received: unknown[] = [];
    bridge.onEvent((name) => received.push(name));
    emit(IPC_EVENT_CHANNEL, 'not.an.event', {});
    emit(IPC_EVENT_CHANNEL, 42, {});
    expect(received).toEqual([]);
  });

  it('unsubscribes only the listener whose function is called', () => {
    const { invoke, subscribe, emit, handlers } = fakes();
    const bridge = createBridge(invoke, subscribe);
    const a: string[] = [];
    const b: string[] = [];
    const offA = bridge.onEvent((name) => a.push(name));
    bridge.onEvent((name) => b.push(name));
    emit(IPC_EVENT_CHANNEL, 'workspaces.changed', { activeId: null });
    offA();
    emit(IPC_EVENT_CHANNEL, 'workspaces.changed', { activeId: null });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
    expect(handlers.get(IPC_EVENT_CHANNEL)?.size).toBe(1);
  });

  it('is frozen, so page code cannot add an operation to the shared object', () => {
    const { invoke, subscribe } = fakes();
    const bridge = createBridge(invoke, subscribe);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.operations)).toBe(true);
  });

  it('refuses a non-function listener', () => {
    const { invoke, subscribe } = fakes();
    expect(() => createBridge(invoke, subscribe).onEvent('x' as never)).toThrow(TypeError);
  });
});
