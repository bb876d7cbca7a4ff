import { isoSeconds as iso } from './dataset';

/**
 * Zendesk's own per-product deletion progress after a permanent user deletion
 * (`GET /api/v2/users/{id}/compliance_deletion_statuses`). Zendesk documents the rows (action,
 * application, account_subdomain, executer_id, user_id, created_at) and shows, in its example, a
 * `request_deletion` for `all` by the deleting agent, then `started` and `complete` per product
 * with a null executer, Support within minutes and Chat hours later. The simulator plays that out
 * on its clock: each row exists once simulated "now" has reached its time, so a client that polls
 * sees the products finish one after another (tests move the clock with `advanceClock`).
 */
export const COMPLIANCE_SCHEDULE: ReadonlyArray<{ application: string; startedAfterS: number; completeAfterS: number }> = [
  { application: 'support', startedAfterS: 0, completeAfterS: 3 },
  { application: 'guide', startedAfterS: 2, completeAfterS: 10 * 60 },
  { application: 'talk', startedAfterS: 5, completeAfterS: 15 * 60 },
  { application: 'chat', startedAfterS: 60, completeAfterS: 4 * 3600 },
  { application: 'explore', startedAfterS: 60, completeAfterS: 24 * 3600 },
];

export const SIM_SUBDOMAIN = 'lethe-sim';

export interface ComplianceRow {
  action: 'request_deletion' | 'started' | 'complete';
  application: string;
  account_subdomain: string;
  executer_id: number | null;
  user_id: number;
  created_at: string;
}

/** The rows visible at `nowMs` for a user permanently deleted at `purgedAtMs`, oldest first. */
export function complianceRows(userId: number, purgedAtMs: number, purgedBy: number | null, nowMs: number): ComplianceRow[] {
  const row = (action: ComplianceRow['action'], application: string, ms: number, executer: number | null): ComplianceRow => ({
    action,
    application,
    account_subdomain: SIM_SUBDOMAIN,
    executer_id: executer,
    user_id: userId,
    created_at: iso(ms),
  });
  const timed: Array<{ ms: number; row: ComplianceRow }> = [{ ms: purgedAtMs, row: row('request_deletion', 'all', purgedAtMs, purgedBy) }];
  for (const s of COMPLIANCE_SCHEDULE) {
    const started = purgedAtMs + s.startedAfterS * 1000;
    const complete = purgedAtMs + s.completeAfterS * 1000;
    timed.push({ ms: started, row: row('started', s.application, started, null) });
    timed.push({ ms: complete, row: row('complete', s.application, complete, null) });
  }
  return timed
    .filter((t) => t.ms <= nowMs)
    .sort((a, b) => a.ms - b.ms)
    .map((t) => t.row);
}
