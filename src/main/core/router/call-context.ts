import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a face knows about one contract call that the handlers' inputs do not carry: today, the
 * signal that says its caller is gone (a browser client that disconnected). Long work (archive
 * verification) reads it here, so it stops without every handler between having to pass it on.
 */
export interface CallContext {
  signal?: AbortSignal;
}

const storage = new AsyncLocalStorage<CallContext>();

export function runInCallContext<T>(context: CallContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The signal of the contract call running now, if its face gave one. */
export function callSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}
