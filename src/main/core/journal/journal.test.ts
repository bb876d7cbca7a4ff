import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openCache, type Cache } from '../db';
import { tempDir, TEST_KEY } from '../db/testing/fixtures';
import { executeRun, type OperationHandler } from './executor';
import { UUID_PATTERN } from './ids';
import { Journal } from './journal';
import { JOURNAL_MIGRATIONS } from './migrations';

let tmp: ReturnType<typeof tempDir>;
let store: Cache;
let journal: Journal;
beforeEach(() => {
  tmp = tempDir();
  store = openCache({ path: join(tmp.dir, 'journal.db'), key: TEST_KEY, migrations: JOURNAL_MIGRATIONS });
  journal = new Journal(store.db);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

const noSleep = async (): Promise<void> => undefined;

it('records every transition, refuses moves the state machine forbids, and resolves dependency refs', () => {
  const run = journal.createRun({ kind: 'test', document: { a: 1 } });
  expect(run.id).toMatch(UUID_PATTERN);
  const [a, b] = journal.addOperations(run.id, [
    { ref: 'a', stage: 1, kind: 'k', targets: [1] },
    { ref: 'b', stage: 2, kind: 'k', targets: [2], dependsOn: ['a'] },
  ]);
  expect(b!.dependsOn).toEqual([a!.id]);
  journal.transition([a!.id], 'sent');
  expect(() => journal.transition([a!.id], 'skipped')).toThrow(/cannot move/);
  journal.transition([a!.id], 'done', { result: { ok: true } });
  expect(() => journal.transition([a!.id], 'sent')).toThrow(/cannot move/);
  expect(journal.operation(a!.id)).toMatchObject({ state: 'done', attempts: 1, result: { ok: true } });
  expect(journal.transitions(run.id).map((t) => `${t.from ?? '-'}>${t.to}`)).toEqual([
    '->planned',
    '->planned',
    'planned>sent',
    'sent>done',
  ]);
});

it('runs stages in order, batches per handler, skips dependants of failures, and settles unknown outcomes by checking, never by resending', async () => {
  const run = journal.createRun({ kind: 'test', document: {} });
  journal.addOperations(run.id, [
    ...[1, 2, 3].map((n) => ({ ref: `del${n}`, stage: 10, kind: 'del', targets: [n] })),
    ...[1, 2, 3].map((n) => ({ ref: `purge${n}`, stage: 20, kind: 'purge', targets: [n], dependsOn: [`del${n}`] })),
  ]);
  journal.setRunState(run.id, 'running');
  const remote = new Set<number>();
  const sends: number[][] = [];
  const del: OperationHandler = {
    batchSize: 2,
    async send(ops) {
      sends.push(ops.map((o) => o.targets[0]!));
      return ops.map((o) => {
        const id = o.targets[0]!;
        if (id === 3) return { opId: o.id, outcome: 'failed', code: 'refused', message: 'no' };
        remote.add(id);
        // The answer for 2 is lost: the effect happened but the executor cannot know.
        return id === 2 ? { opId: o.id, outcome: 'unknown' } : { opId: o.id, outcome: 'done' };
      });
    },
    async check(ops) {
      return ops.map((o) => (remote.has(o.targets[0]!) ? { opId: o.id, state: 'done' } : { opId: o.id, state: 'absent' }));
    },
  };
  const purged: number[] = [];
  const purge: OperationHandler = {
    batchSize: 100,
    async send(ops) {
      purged.push(...ops.map((o) => o.targets[0]!));
      return ops.map((o) => ({ opId: o.id, outcome: 'job', jobId: 'job-1' }));
    },
    async poll(jobs) {
      return [...jobs.values()].flat().map((o) => ({ opId: o.id, outcome: 'done' }));
    },
    async check(ops) {
      return ops.map((o) => ({ opId: o.id, state: 'absent' }));
    },
  };
  const result = await executeRun({ journal, runId: run.id, handlers: { del, purge }, sleep: noSleep });
  expect(sends).toEqual([[1, 2], [3]]);
  expect(purged).toEqual([1, 2]);
  expect(result.counts).toEqual({ planned: 0, sent: 0, done: 4, failed: 1, skipped: 1 });
  expect(result.complete).toBe(false);
  expect(journal.operations(run.id).find((o) => o.kind === 'purge' && o.targets[0] === 2)?.remoteJobId).toBe('job-1');
});

it('on resume, operations left sent are checked first: a done effect is recorded, an absent one is sent again', async () => {
  const run = journal.createRun({ kind: 'test', document: {} });
  const ops = journal.addOperations(
    run.id,
    [1, 2].map((n) => ({ ref: `x${n}`, stage: 1, kind: 'x', targets: [n] })),
  );
  // A previous process marked both sent and died; only 1 reached the remote side.
  journal.transition(
    ops.map((o) => o.id),
    'sent',
  );
  const remote = new Set<number>([1]);
  const sent: number[] = [];
  const x: OperationHandler = {
    batchSize: 1,
    async send(batch) {
      for (const o of batch) {
        sent.push(o.targets[0]!);
        remote.add(o.targets[0]!);
      }
      return batch.map((o) => ({ opId: o.id, outcome: 'done' }));
    },
    async check(batch) {
      return batch.map((o) => (remote.has(o.targets[0]!) ? { opId: o.id, state: 'done' } : { opId: o.id, state: 'absent' }));
    },
  };
  const result = await executeRun({ journal, runId: run.id, handlers: { x }, sleep: noSleep });
  expect(sent).toEqual([2]);
  expect(result.complete).toBe(true);
});
