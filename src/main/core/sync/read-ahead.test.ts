import { expect, it } from 'vitest';
import { readAhead } from './read-ahead';

/** A source that records when each item is asked for, and resolves each after a macrotask. */
function recordingSource(count: number, failAt?: number): { source: AsyncGenerator<number>; asked: number[]; finished: () => boolean } {
  const asked: number[] = [];
  let finished = false;
  async function* source(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        asked.push(i);
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (i === failAt) throw new Error(`page ${i} failed`);
        yield i;
      }
    } finally {
      finished = true;
    }
  }
  return { source: source(), asked, finished: () => finished };
}

it('yields every item in order', async () => {
  const { source } = recordingSource(5);
  const seen: number[] = [];
  for await (const item of readAhead(source, 2)) seen.push(item);
  expect(seen).toEqual([0, 1, 2, 3, 4]);
});

it('fetches ahead while the consumer is busy, never more than depth items', async () => {
  const { source, asked } = recordingSource(10);
  const ahead = readAhead(source, 2);
  expect((await ahead.next()).value).toBe(0);
  // The consumer "writes" item 0 for a while: the source keeps going, up to two items ahead.
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(asked).toEqual([0, 1, 2]);
  expect((await ahead.next()).value).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(asked).toEqual([0, 1, 2, 3]);
  await ahead.return(undefined);
});

it('delivers the items before a failure, then the failure, and asks for nothing after it', async () => {
  const { source, asked } = recordingSource(10, 2);
  const seen: number[] = [];
  await expect(
    (async () => {
      for await (const item of readAhead(source, 3)) seen.push(item);
    })(),
  ).rejects.toThrow('page 2 failed');
  expect(seen).toEqual([0, 1]);
  expect(asked).toEqual([0, 1, 2]);
});

it('return() stops fetching ahead and finishes the source', async () => {
  const { source, asked, finished } = recordingSource(10);
  const ahead = readAhead(source, 2);
  await ahead.next();
  await ahead.return(undefined);
  const askedAtReturn = asked.length;
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(asked.length).toBe(askedAtReturn);
  expect(finished()).toBe(true);
  expect((await ahead.next()).done).toBe(true);
});
