import { operationNames, contractEvents } from '../shared/contract';
import { ipcChannelFor, IPC_EVENT_CHANNEL, type BridgeEventListener, type LetheBridge } from '../shared/contract/bridge';

/** `ipcRenderer.invoke`, as the preload passes it in. */
export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;

/**
 * `ipcRenderer.on` + `removeListener` as one function. The handler receives the raw
 * IpcRendererEvent first; the bridge drops it, because it carries `sender` (the whole
 * ipcRenderer) and must never reach page code (Electron checklist 20, Bruno's preload).
 */
export type Subscribe = (channel: string, handler: (event: unknown, ...args: unknown[]) => void) => () => void;

const EVENT_NAMES: ReadonlySet<string> = new Set(Object.keys(contractEvents));

/**
 * Builds `window.lethe`: one named function per contract operation and `onEvent`. There is no
 * generic invoke, so a channel that is not in the contract cannot be reached from the page even
 * if the page is compromised; main additionally validates sender and payload.
 */
export function createBridge(invoke: Invoke, subscribe: Subscribe): LetheBridge {
  const operations: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of operationNames) {
    const channel = ipcChannelFor(name);
    // Exactly one argument crosses: extra page-supplied arguments are dropped here.
    operations[name] = (input: unknown) => invoke(channel, input);
  }
  Object.freeze(operations);

  const onEvent = (listener: BridgeEventListener): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function');
    return subscribe(IPC_EVENT_CHANNEL, (_event, name, payload) => {
      if (typeof name !== 'string' || !EVENT_NAMES.has(name)) return;
      (listener as (name: string, payload: unknown) => void)(name, payload);
    });
  };

  return Object.freeze({ operations: operations as unknown as LetheBridge['operations'], onEvent });
}
