import { describe, expect, it } from 'vitest';
import { groundTruth } from '../../src/sim/truth';
import { ratingsOf, suspendedOf, troubleSuspendedListing } from '../../src/sim';
import { useSubjectsHarness } from '../support/subjects-harness';

/**
 * The surfaces read on demand (suspended tickets, satisfaction ratings), over real HTTP to the
 * simulator and a real encrypted cache: the dossier lists exactly the ground truth's items, a
 * surface that keeps failing is reported as not searched (never as empty), bad input is refused.
 */
const fx = useSubjectsHarness();
const { state, ds } = fx;

describe('on-demand surfaces in the dossier', () => {
  it('lists exactly the ground truth’s suspended tickets and ratings for every tiny-dataset subject', async () => {
    let withSuspended = 0;
    let withRatings = 0;
    for (let i = 0; i < ds().userCount; i++) {
      const userId = ds().userId(i);
      const ref = `subj_${userId}`;
      // Side conversations read every ticket of the account: their own test covers them.
      const looked = await fx.h.call('subjects.look', {
        workspaceId: fx.workspaceId,
        ref,
        surfaces: ['suspended_tickets', 'satisfaction_ratings'],
      });
      const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
      const accounts = d.accounts.map((a) => a.userId);
      const emails = accounts.flatMap((id) => groundTruth(state(), id).emails);
      const expectedSuspended = suspendedOf(state(), accounts, emails).map(String).sort();
      const expectedRatings = ratingsOf(state(), accounts).map(String).sort();
      const items = (surface: string) => (d.surfaces.find((s) => s.surface === surface)?.items ?? []).map((x) => x.id).sort();
      expect(items('suspended_tickets'), `suspended tickets of ${ref}`).toEqual(expectedSuspended);
      expect(items('satisfaction_ratings'), `ratings of ${ref}`).toEqual(expectedRatings);
      for (const surface of ['suspended_tickets', 'satisfaction_ratings'] as const) {
        const row = looked.coverage.find((c) => c.surface === surface)!;
        expect(row).toMatchObject({ searched: true, reason: null, read: 'on_demand' });
        expect(row.asOf).not.toBeNull();
        expect(d.coverage.find((c) => c.surface === surface)?.items).toBe(
          surface === 'suspended_tickets' ? expectedSuspended.length : expectedRatings.length,
        );
      }
      // Every item says who the person was in it and why it matched.
      for (const s of d.surfaces) for (const item of s.items) expect(item.why.length).toBeGreaterThan(10);
      if (expectedSuspended.length > 0) withSuspended++;
      if (expectedRatings.length > 0) withRatings++;
    }
    // The dataset must exercise both surfaces, or the comparison above proves nothing.
    expect(withSuspended).toBeGreaterThan(0);
    expect(withRatings).toBeGreaterThan(0);
  }, 120_000);

  it('the coverage table names every known surface; the ones Lethe does not read say so, with no count', async () => {
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref: `subj_${ds().userId(5)}` });
    const unread = d.coverage.filter((c) => !c.searched);
    expect(unread.length).toBeGreaterThan(0);
    for (const c of unread) {
      expect(c.items).toBeNull();
      expect(c.reason).not.toBeNull();
    }
    // Zendesk's own deletion status exists only after the erasure: the row says where it is read, not "unsupported".
    expect(d.coverage.find((c) => c.surface === 'compliance_deletion')).toMatchObject({
      searched: false,
      reason: 'not_looked',
      detail: expect.stringMatching(/receipt/),
    });
    expect(d.coverage.filter((c) => c.reason === 'not_supported')).toEqual([]);
  });

  it('a listing that answers 500 after every retry is "not searched: error", and the last look’s items are not passed off as current', async () => {
    const userId = ds().userId(5);
    const ref = `subj_${userId}`;
    troubleSuspendedListing(state(), 500, 50);
    const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['suspended_tickets'] });
    troubleSuspendedListing(state(), 500, 0);
    const row = looked.coverage.find((c) => c.surface === 'suspended_tickets')!;
    expect(row).toMatchObject({ searched: false, reason: 'error', items: null });
    expect(row.detail).toMatch(/after retries/);
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
    expect(d.surfaces.find((s) => s.surface === 'suspended_tickets')).toBeUndefined();
    // The other surface is untouched by this failure.
    expect(d.coverage.find((c) => c.surface === 'satisfaction_ratings')?.searched).toBe(true);
  }, 60_000);

  it('a 429 that clears is retried, and the surface is searched', async () => {
    const ref = `subj_${ds().userId(5)}`;
    troubleSuspendedListing(state(), 429, 1);
    const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['suspended_tickets'] });
    expect(looked.coverage.find((c) => c.surface === 'suspended_tickets')).toMatchObject({ searched: true, reason: null });
  }, 60_000);

  it('refuses an unknown surface, and one that is not read on demand, with a clear code and no request', async () => {
    const ref = `subj_${ds().userId(5)}`;
    const unknown = await fx.h.callResult('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['fax_machine'] });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('invalid_input');
    const synced = await fx.h.callResult('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['tickets'] });
    expect(synced.ok).toBe(false);
    if (!synced.ok) {
      expect(synced.error.code).toBe('invalid_input');
      expect(synced.error.message).toMatch(/tickets/);
    }
  });
});
