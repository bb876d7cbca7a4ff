import { expect, it } from 'vitest';
import { projectFullSync } from './format';

it('projects a full sync from the measured estimates, as a lower bound while a later stream is unmeasured', () => {
  const s = (state: string, etaSeconds: number | null) => ({ state, progress: etaSeconds === null ? null : { etaSeconds } });
  expect(projectFullSync([s('done', 0), s('running', 600), s('queued', 3000)])).toEqual({ seconds: 3600, atLeast: false });
  expect(projectFullSync([s('done', 0), s('running', 600), s('queued', null)])).toEqual({ seconds: 600, atLeast: true });
  expect(projectFullSync([s('running', null), s('queued', null)])).toBeNull();
  expect(projectFullSync([s('idle', 10), s('done', 0)])).toBeNull();
});
