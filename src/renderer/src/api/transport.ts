import type { Result } from '../../../shared/errors';
import type { LetheBridge } from '../../../shared/contract/bridge';
import type { EventName, EventPayload } from '../../../shared/contract/events';

export type EventHandler = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/** How the renderer reaches the core: the Electron preload bridge or HTTP in browser mode. */
export interface Transport {
  readonly kind: 'electron' | 'browser';
  call(name: string, input: unknown): Promise<Result<unknown>>;
  /**
   * Events from the core. `onConnected` runs each time the event stream (re)connects: events sent
   * while it was not connected are lost, so a subscriber that keeps copies refreshes them there.
   */
  subscribe(handler: EventHandler, onConnected?: () => void): () => void;
}

// window.lethe is declared by src/preload/api.d.ts: present only in Electron.

export function bridgeTransport(bridge: LetheBridge): Transport {
  return {
    kind: 'electron',
    call(name, input) {
      const fn = (bridge.operations as unknown as Record<string, ((input: unknown) => Promise<Result<unknown>>) | undefined>)[name];
      if (!fn) return Promise.resolve({ ok: false, error: { code: 'unknown_operation', message: `No operation ${name}` } });
      return fn(input);
    },
    subscribe: (handler) => bridge.onEvent(handler),
  };
}

const TOKEN_KEY = 'lethe.sessionToken';

/**
 * Browser mode: the token arrives once in the URL fragment (never sent to the server in a URL),
 * is kept in sessionStorage for reloads of this tab, and the fragment is wiped from the address bar.
 */
export function takeSessionToken(location: Location, history: History, storage: Storage): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY);
}

export function httpTransport(token: string | null, baseUrl = ''): Transport {
  const headers = (): Record<string, string> => ({
    'Content-Type': 'application/json',
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  });
  return {
    kind: 'browser',
    async call(name, input) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/api/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return {
          ok: false,
          error: { code: 'internal_error', message: 'The Lethe process is not reachable. Is `npm run serve` still running?' },
        };
      }
      try {
        return (await response.json()) as Result<unknown>;
      } catch {
        return { ok: false, error: { code: 'internal_error', message: `Lethe answered HTTP ${response.status} without a result` } };
      }
    },
    subscribe(handler, onConnected) {
      const controller = new AbortController();
      const run = async () => {
        while (!controller.signal.aborted) {
          try {
            const response = await fetch(`${baseUrl}/api/events`, { headers: headers(), signal: controller.signal });
            if (!response.ok || !response.body) throw new Error(`events ${response.status}`);
            onConnected?.();
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = '';
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buffer += value;
              let end: number;
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = frame.split('\n').find((line) => line.startsWith('data: '));
                if (data) {
                  const event = JSON.parse(data.slice(6)) as { name: EventName; payload: never };
                  handler(event.name, event.payload);
                }
              }
            }
          } catch {
            if (controller.signal.aborted) return;
          }
          // The stream ended or failed: reconnect after a pause rather than hammering the host.
          await new Promise((r) => setTimeout(r, 2000));
        }
      };
      void run();
      return () => controller.abort();
    },
  };
}

export function detectTransport(): Transport {
  if (window.lethe) return bridgeTransport(window.lethe);
  return httpTransport(takeSessionToken(window.location, window.history, window.sessionStorage));
}
