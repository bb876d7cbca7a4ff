import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import { FetchingThread } from '../../src/main/core/sync/fetching-thread';
import type { FetchedPage } from '../../src/main/core/sync/streams';
import { pastHoldBack } from '../../src/main/core/sync/testing/harness';
import { expectedCache } from '../../src/main/core/sync/testing/truth';
import type { FetcherToMain, MainToFetcher } from '../../src/main/core/sync/worker-protocol';
import { threadNices } from '../support/thread-nices';

/**
 * The sync's fetching thread (page-fetcher.ts) on its own, driven the way the writer drives it
 * (fetching-thread.ts), against the simulator over HTTP. The main thread's part is played here:
 * every rate-limit question is answered at once and every request is counted.
 */
let sim: Simulator | undefined;
let thread: FetchingThread | undefined;
afterEach(async () => {
  await thread?.close();
  await sim?.close();
  thread = undefined;
  sim = undefined;
});

async function start(): Promise<{ thread: FetchingThread; sim: Simulator; requests: string[]; cancel: AbortController }> {
  sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
  pastHoldBack(sim);
  const channel = new MessageChannel();
  const requests: string[] = [];
  channel.port1.on('message', (message: FetcherToMain) => {
    if (message.type === 'request') requests.push(message.info.template);
    if (message.type === 'scheduler' && message.call.op === 'acquire')
      channel.port1.postMessage({ type: 'acquired', id: message.call.id } satisfies MainToFetcher);
  });
  channel.port1.unref();
  const cancel = new AbortController();
  thread = new FetchingThread(
    {
      auth: { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
      transport: {},
      reportRequests: true,
      mainPort: channel.port2,
    },
    cancel.signal,
  );
  return { thread, sim, requests, cancel };
}

async function all(pages: AsyncGenerator<FetchedPage<unknown>>): Promise<Array<FetchedPage<unknown>>> {
  const out: Array<FetchedPage<unknown>> = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('the fetching thread', () => {
  it('hands over every page of a stream as records, in order, ending with the end of the stream', async () => {
    const { thread, sim, requests } = await start();
    const pages = await all(thread.pages('users', { startTime: 0 }, 5));
    const expected = expectedCache(sim);
    expect(pages.reduce((n, p) => n + p.live.length, 0)).toBe(expected.users);
    expect(pages.at(-1)?.endOfStream).toBe(true);
    expect(pages.slice(0, -1).every((p) => !p.endOfStream)).toBe(true);
    // Each page carries the cursor that addresses the next one, as the writer stores it.
    expect(pages.slice(0, -1).every((p) => typeof p.checkpoint.cursor === 'string')).toBe(true);
    expect(requests).toHaveLength(pages.length);
    expect(requests.every((t) => t === '/api/v2/incremental/users/cursor')).toBe(true);
  });

  it('fetches only a bounded number of pages ahead of the writer', async () => {
    const { thread, sim, requests } = await start();
    const pages = thread.pages('users', { startTime: 0 }, 2);
    const first = await pages.next();
    expect(first.done).toBe(false);
    await sleep(500);
    // Taken: 1; handed over and not taken: 2 (FETCH_AHEAD); the call for the next one already out: 1.
    expect(requests.length).toBeLessThanOrEqual(4);
    const total = Math.ceil(expectedCache(sim).users / 2);
    expect(total).toBeGreaterThan(4);
    const rest = await all(pages);
    expect(1 + rest.length).toBeGreaterThanOrEqual(total);
    expect(rest.at(-1)?.endOfStream).toBe(true);
  });

  it('a stream the writer stops early fetches nothing more, and the next stream starts clean', async () => {
    const { thread, sim, requests } = await start();
    const tickets = thread.pages('tickets', { startTime: 0 }, 2);
    await tickets.next();
    await tickets.return(undefined);
    await sleep(300);
    const afterStop = requests.length;
    await sleep(300);
    expect(requests.length).toBe(afterStop);

    const users = await all(thread.pages('users', { startTime: 0 }, 5));
    // Nothing of the stopped tickets stream slips into the users stream.
    expect(users.reduce((n, p) => n + p.live.length, 0)).toBe(expectedCache(sim).users);
    expect(requests.slice(afterStop).every((t) => t === '/api/v2/incremental/users/cursor')).toBe(true);
  });

  it('a failure upstream reaches the writer as the same coded error', async () => {
    const { thread } = await start();
    // A cursor the helpdesk never handed out: it answers 400 InvalidCursor.
    const pages = thread.pages('users', { cursor: 'not-a-cursor' }, 5);
    await expect(all(pages)).rejects.toMatchObject({ name: 'LetheError', code: expect.stringMatching(/^helpdesk_/) });
  });

  it('a cancel ends the stream as cancelled', async () => {
    const { thread, cancel } = await start();
    const pages = thread.pages('users', { startTime: 0 }, 1);
    await pages.next();
    cancel.abort();
    await expect(all(pages)).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('a cancel while the thread waits for the writer to take its pages still ends the stream', async () => {
    const { thread, cancel, requests } = await start();
    const pages = thread.pages('users', { startTime: 0 }, 1);
    await pages.next();
    // Long enough for the thread to have handed over all it may and to be waiting for the writer.
    await sleep(500);
    const waiting = requests.length;
    await sleep(200);
    expect(requests.length).toBe(waiting);
    cancel.abort();
    await expect(all(pages)).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('runs at a lower CPU priority than the thread that serves the UI, and no other thread is changed', async () => {
    const before = process.platform === 'linux' ? threadNices() : null;
    const { thread } = await start();
    const pages = thread.pages('users', { startTime: 0 }, 5);
    await pages.next();
    if (before) {
      // Linux: the fetching thread alone, by its own thread id; the process keeps its priority.
      const mainNice = before.get(process.pid)!;
      const now = threadNices();
      const lowered = [...now].filter(([tid, nice]) => !before.has(tid) && nice === Math.min(19, mainNice + 10));
      expect(lowered).toHaveLength(1);
      expect(now.get(process.pid)).toBe(mainNice);
      for (const [tid, nice] of before) if (now.has(tid)) expect(now.get(tid), `thread ${tid}`).toBe(nice);
    }
    expect((await all(pages)).at(-1)?.endOfStream).toBe(true);
  });
});
