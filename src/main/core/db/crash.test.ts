import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCache } from './open-cache';
import { readSyncState } from './read-api';
import { CRASH_PAGE_SIZE, pageTicketIds } from './testing/crash-writer';
import { tempDir, TEST_KEY } from './testing/fixtures';

const WRITER = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('lethe-crash-');
});
afterAll(() => tmp.cleanup());

/** Runs the writer until `killAfterMs` after its first acknowledged page, then SIGKILLs it. */
function runAndKill(path: string, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path], {
      env: { ...process.env, LETHE_TEST_DB_KEY: TEST_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line) acked.push(Number(line));
      if (!timer && acked.length > 0) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself: ${stderr.slice(0, 2000)}`));
      else resolve(acked);
    });
  });
}

it('survives SIGKILL at random moments: intact file, every acknowledged page present, cursor consistent', async () => {
  const path = join(tmp.dir, 'crash.db');
  let lastAcked = 0;
  for (let round = 0; round < 3; round++) {
    const acked = await runAndKill(path, 50 + Math.floor(Math.random() * 700));
    expect(acked.length).toBeGreaterThan(0);
    // the writer resumed where the stored cursor said
    expect(acked[0]).toBeLessThanOrEqual(lastAcked + 2);
    lastAcked = Math.max(lastAcked, ...acked);

    const cache = openCache({ path, key: TEST_KEY });
    const db = cache.db;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.exec(`INSERT INTO comments_fts(comments_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();

    const stored = (resource: 'tickets' | 'ticket_events'): number =>
      Number(readSyncState(db, resource)?.cursor?.replace('page-', '') ?? 0);
    const ticketsPage = stored('tickets');
    const eventsPage = stored('ticket_events');
    // The cursor is the last acknowledged page, or the next one if it committed before the kill.
    expect([lastAcked, lastAcked + 1]).toContain(ticketsPage);
    expect([ticketsPage - 1, ticketsPage]).toContain(eventsPage);

    const present = (ids: number[]): number =>
      db.prepare('SELECT count(*) FROM tickets WHERE id BETWEEN ? AND ?').pluck().get(ids[0], ids.at(-1)) as number;
    for (let page = 1; page <= lastAcked; page++) expect(present(pageTicketIds(page))).toBe(CRASH_PAGE_SIZE);
    // ...and exactly the pages the cursor covers: no half page, nothing beyond
    expect(db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(ticketsPage * CRASH_PAGE_SIZE);
    expect(db.prepare('SELECT count(*) FROM comments').pluck().get()).toBe(eventsPage * CRASH_PAGE_SIZE);
    cache.close();
  }
}, 60_000);
