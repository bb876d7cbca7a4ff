import type { SqliteDb } from '../db/sqlite';
import type { SubjectKeys } from '../surfaces';
import { accountKey, otherTicketsToRead } from '../surfaces/side-conversation-index';
import { buildDossier } from './dossier';

/**
 * Who the person is for the on-demand surfaces: accounts, addresses, numbers, names and tickets,
 * from the cache; and the other live tickets a per-ticket surface must read (side-conversation-index.ts).
 */
export function surfaceKeysOf(db: SqliteDb, register: SqliteDb, userId: number, workspaceId: string, now = new Date()): SubjectKeys {
  const d = buildDossier(db, register, userId, { workspaceId, limit: 'all' });
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const a of d.accounts) {
    if (a.email) emails.add(a.email.trim().toLowerCase());
    if (a.phone) phones.add(a.phone.replace(/\D/g, ''));
  }
  for (const i of d.identities) {
    if (i.type === 'email') emails.add(i.value.trim().toLowerCase());
    if (i.type === 'phone_number') phones.add(i.value.replace(/\D/g, ''));
  }
  const own = new Set(d.tickets.map((t) => t.id));
  const userIds = d.accounts.map((a) => a.userId);
  const others = otherTicketsToRead(db, own, [...emails, ...userIds.map(accountKey)], now);
  return {
    userIds,
    emails: [...emails],
    phones: [...phones].filter((p) => p.length >= 6),
    names: [...new Set(d.accounts.map((a) => a.name).filter((n) => n.length > 0))],
    ticketIds: d.tickets.map((t) => t.id),
    otherTicketIds: others.read,
    otherTicketsLeft: others.left,
  };
}
