import { ipcChannelFor, IPC_EVENT_CHANNEL } from '../../shared/contract/bridge';
import type { ErrorInfo, Result } from '../../shared/errors';
import { isTrustedSender, type SenderInfo } from './trusted-url';

/**
 * The slice of Electron's main-process objects the binding needs, typed structurally so the
 * binding is unit-tested with fakes in Node. The real `ipcMain`, `IpcMainInvokeEvent`,
 * `WebFrameMain` and `WebContents` satisfy these (tsc checks it where the shell wires them).
 */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface RouterLike {
  readonly names: readonly string[];
  call(name: string, payload: unknown): Promise<Result<unknown>>;
}

export interface BindingLog {
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

/** Large enough for any form the console sends; anything bigger is not a legitimate call. */
export const MAX_IPC_PAYLOAD_CHARS = 1_000_000;

/**
 * Reads a frame defensively: Electron throws when a WebFrameMain is touched after its frame was
 * disposed, and a frame we cannot read is not a frame we trust.
 */
export function describeFrame(frame: FrameLike | null | undefined): SenderInfo | null {
  if (!frame) return null;
  try {
    return { url: frame.url, isMainFrame: frame.parent === null };
  } catch {
    return null;
  }
}

function failure(error: ErrorInfo): Result<never> {
  return { ok: false, error };
}

function payloadTooLarge(payload: unknown): boolean {
  if (payload === undefined) return false;
  try {
    return (JSON.stringify(payload)?.length ?? 0) > MAX_IPC_PAYLOAD_CHARS;
  } catch {
    // Structured clone can carry what JSON cannot (cycles, BigInt); the contract never needs it.
    return true;
  }
}

/**
 * The handler of one contract operation: check the sender, bound the payload, then let the
 * router parse it with the operation's zod schema. Never throws, always a Result envelope.
 */
export function createOperationHandler(
  name: string,
  router: RouterLike,
  log: BindingLog,
): (event: InvokeEventLike, ...args: unknown[]) => Promise<Result<unknown>> {
  return async (event, ...args) => {
    const sender = describeFrame(event.senderFrame);
    if (!isTrustedSender(sender)) {
      log.warn(`IPC ${name} refused: sender is not the app's main frame`, { url: sender?.url.slice(0, 100) ?? null });
      return failure({ code: 'forbidden', message: 'This window may not call Lethe operations' });
    }
    if (args.length > 1) {
      return failure({ code: 'invalid_input', message: `${name} takes one argument` });
    }
    const payload = args[0];
    if (payloadTooLarge(payload)) {
      return failure({ code: 'payload_too_large', message: `${name} input is too large` });
    }
    try {
      return await router.call(name, payload);
    } catch (error) {
      // The router promises never to throw; if it ever does, the renderer still gets an envelope.
      log.error(`IPC ${name} threw past the router`, error);
      return failure({ code: 'internal_error', message: `${name} failed unexpectedly; the log has the details` });
    }
  };
}

/**
 * One `ipcMain.handle` per operation, on the channel the preload uses for it. Returns the
 * function that removes them all (on quit, so a late renderer message finds no handler).
 */
export function bindContractIpc(options: { ipcMain: IpcMainLike; router: RouterLike; log: BindingLog }): () => void {
  const channels: string[] = [];
  for (const name of options.router.names) {
    const channel = ipcChannelFor(name);
    options.ipcMain.handle(channel, createOperationHandler(name, options.router, options.log));
    channels.push(channel);
  }
  return () => {
    for (const channel of channels) options.ipcMain.removeHandler(channel);
  };
}

export interface EventTargetLike {
  isDestroyed(): boolean;
  readonly mainFrame: FrameLike;
  send(channel: string, ...args: unknown[]): void;
}

export interface EventSourceLike {
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

/**
 * Pushes core events to the windows that show the app: a window whose main frame is not the
 * app's origin (it should not exist, navigation is blocked) gets nothing. Returns unsubscribe.
 */
export function forwardCoreEvents(events: EventSourceLike, targets: () => Iterable<EventTargetLike>, log: BindingLog): () => void {
  return events.subscribe((name, payload) => {
    for (const target of targets()) {
      try {
        if (target.isDestroyed()) continue;
        if (!isTrustedSender(describeFrame(target.mainFrame))) continue;
        target.send(IPC_EVENT_CHANNEL, name, payload);
      } catch (error) {
        log.warn(`could not deliver event ${name}`, error);
      }
    }
  });
}
