import type { Result } from '../errors';
import type { Contract, OperationName } from './index';
import type { InputOf, OutputOf } from './define';
import type { EventName, EventPayload } from './events';

/** A listener as the faces deliver it: the name and the parsed payload, never a transport object. */
export type BridgeEventListener = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/**
 * What the Electron preload exposes as `window.lethe`: one named function per contract operation
 * (never a generic invoke) and an event subscription that returns its unsubscribe function.
 */
export interface LetheBridge {
  readonly operations: { readonly [K in OperationName]: (input: InputOf<Contract, K>) => Promise<Result<OutputOf<Contract, K>>> };
  onEvent(listener: BridgeEventListener): () => void;
}

/** The IPC channel of an operation: one channel per operation, prefixed so main can fence them. */
export const ipcChannelFor = (name: string): string => `lethe:${name}`;
export const IPC_EVENT_CHANNEL = 'lethe-event';
