import { archiveOperations } from '../../src/shared/contract/groups/archives';
import { subjectOperations } from '../../src/shared/contract/groups/subjects';
import { mergeContract, type InputOf, type OutputOf } from '../../src/shared/contract/define';
import { createRouter, type Router } from '../../src/main/core/router/router';
import { createArchiveHandlers, createSubjectHandlers } from '../../src/main/core/subjects';
import { createSyncHarness, type SyncHarness } from '../../src/main/core/sync/testing/harness';
import { afterAll, beforeAll } from 'vitest';
import type { SimState, SimulatorOptions } from '../../src/sim';

const subjectContract = mergeContract(subjectOperations, archiveOperations);
type SubjectContract = typeof subjectContract;
type Name = keyof SubjectContract & string;

/**
 * A simulator, a core whose cache was filled by the real sync engine, and the subjects and
 * archives operations on their own router (the lead wires them into the core's router; these
 * tests do not depend on that).
 */
export interface SubjectsHarness {
  sync: SyncHarness;
  router: Router;
  call<K extends Name>(name: K, input: InputOf<SubjectContract, K>): Promise<OutputOf<SubjectContract, K>>;
  callResult(name: Name, input: unknown): ReturnType<Router['call']>;
  dispose(): Promise<void>;
}

export async function createSubjectsHarness(sim: SimulatorOptions = { size: 'tiny', seed: 7, noLimits: true }): Promise<SubjectsHarness> {
  const sync = await createSyncHarness({ sim });
  const status = await sync.syncNow();
  if (status.outcome !== 'done') throw new Error(`sync did not finish: ${JSON.stringify(status.error)}`);
  // The simulator's users export does not side-load identities (Zendesk's does, with
  // include=identities), so secondary addresses and phone identities only reach the cache through
  // a subject refresh: refresh everyone, through the real sync service.
  for (let i = 0; i < sync.sim.dataset.userCount; i++) await sync.service.refreshSubject(sync.workspaceId, sync.sim.dataset.userId(i));
  const services = sync.ctx.core.services;
  const router = createRouter(subjectContract, { ...createSubjectHandlers(services), ...createArchiveHandlers(services) }, services.log);
  return {
    sync,
    router,
    async call(name, input) {
      const result = await router.call(name, input);
      if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
      return result.value as never;
    },
    callResult: (name, input) => router.call(name, input),
    dispose: () => sync.dispose(),
  };
}

/** A suite's subjects harness, started before its tests and disposed after them. */
export interface SubjectsFixture {
  /** The harness (inside the suite's tests). */
  readonly h: SubjectsHarness;
  readonly workspaceId: string;
  state(): SimState;
  ds(): SubjectsHarness['sync']['sim']['dataset'];
}

export function useSubjectsHarness(sim?: SimulatorOptions): SubjectsFixture {
  let harness: SubjectsHarness | undefined;
  beforeAll(async () => {
    harness = await createSubjectsHarness(sim);
  }, 120_000);
  afterAll(async () => harness?.dispose());
  const h = (): SubjectsHarness => {
    if (!harness) throw new Error('the subjects harness is not started (use it inside the suite)');
    return harness;
  };
  return {
    get h() {
      return h();
    },
    get workspaceId() {
      return h().sync.workspaceId;
    },
    state: () => h().sync.sim.state,
    ds: () => h().sync.sim.dataset,
  };
}
