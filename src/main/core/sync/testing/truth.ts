import type { Simulator } from '../../../../sim';
import type { SqliteDb } from '../../db';

/** What a complete cache of the simulator must hold, computed from the simulator's own state. */
export interface ExpectedCache {
  users: number;
  tickets: number;
  comments: number;
  organizations: number;
  participants: Set<string>;
}

export function expectedCache(sim: Simulator): ExpectedCache {
  const state = sim.state;
  let users = 0;
  for (const id of state.allUserIds()) if (state.userView(id)?.status === 'active') users++;
  let tickets = 0;
  let comments = 0;
  const participants = new Set<string>();
  for (let i = 0; i < sim.dataset.ticketCount; i++) {
    const id = sim.dataset.ticketId(i);
    const view = state.ticketView(id);
    if (!view || view.state !== 'live') continue;
    tickets++;
    const t = view.rec;
    const add = (userId: number | null, role: string): void => {
      if (userId !== null) participants.add(`${id}:${userId}:${role}`);
    };
    add(t.requester_id, 'requester');
    add(t.submitter_id, 'submitter');
    add(t.assignee_id, 'assignee');
    const followers = new Set(t.follower_ids);
    for (const u of followers) add(u, 'follower');
    for (const u of t.email_cc_ids) add(u, 'cc');
    for (const u of t.collaborator_ids) if (!followers.has(u)) add(u, 'cc');
    const list = state.ticketComments(id);
    comments += list.length;
    for (const c of list) add(c.author_id, 'commenter');
  }
  return { users, tickets, comments, organizations: sim.dataset.orgCount, participants };
}

export function cachedParticipants(db: SqliteDb): Set<string> {
  const rows = db.prepare('SELECT ticket_id, user_id, role FROM participants').raw().all() as Array<[number, number, string]>;
  return new Set(rows.map(([t, u, r]) => `${t}:${u}:${r}`));
}

/** A fingerprint of the cache's content (not its bookkeeping), to show a replay changed nothing. */
export function contentDigest(db: SqliteDb): string {
  const parts: string[] = [];
  for (const [table, order] of [
    ['users', 'id'],
    ['identities', 'id'],
    ['organizations', 'id'],
    ['tickets', 'id'],
    ['participants', 'ticket_id, user_id, role'],
    ['comments', 'id'],
    ['attachments', 'id'],
  ] as const) {
    const rows = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().all();
    parts.push(`${table}:${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}
