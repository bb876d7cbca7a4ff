import type { AuditEntryView, Request, TeamFreshness } from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { openJournal } from '../journal/open-journal';
import type { CoreServices } from '../services';
import { isTeamUnreachable } from './pg-errors';

/**
 * The last copy of the team's register this machine read, for when the team database does not
 * answer: the list (every request), each request's detail as last opened (with its timeline) and
 * the newest audit entries as last listed. Each part keeps the time it was read; a read served
 * from it is marked offline with that time, and no write is ever served from it (writes fail with
 * `team_unreachable`: nothing is queued behind the team's back).
 *
 * The copy holds contact details, so it lives in memory and in the workspace's encrypted journal
 * store (`store_settings`, keys `team.offline*`), never in a plaintext file: a process started
 * while the server is down still shows it. It is tied to the team database it was read from
 * (`where`), so another team's copy is never shown, and `lethe team leave` deletes it.
 */

export interface ListCopy {
  all: Request[];
  readAt: string;
  role: string;
  where?: string;
}
export interface DetailCopy {
  request: Request;
  timeline: AuditEntryView[];
  readAt: string;
  role: string;
  where: string;
}
export interface AuditCopy {
  entries: AuditEntryView[];
  total: number;
  readAt: string;
  role: string;
  where: string;
}

const LIST = 'team.offlineCopy';
/** When the list was last read, apart: an unchanged register costs a small write, not the whole copy. */
const LIST_AT = 'team.offlineCopyAt';
const DETAIL = 'team.offlineDetail.';
const AUDIT = 'team.offlineAudit';
/** The audit copy is the newest page the console lists, not the whole chain. */
export const AUDIT_COPY_LIMIT = 1000;

interface Memory {
  list?: ListCopy;
  listKey?: string;
  details: Map<string, DetailCopy>;
  audit?: AuditCopy;
}
const memories = new WeakMap<CoreServices, Map<string, Memory>>();

function memoryOf(s: CoreServices, workspaceId: string): Memory {
  let perCore = memories.get(s);
  if (!perCore) {
    perCore = new Map();
    memories.set(s, perCore);
  }
  let memory = perCore.get(workspaceId);
  if (!memory) {
    memory = { details: new Map() };
    perCore.set(workspaceId, memory);
  }
  return memory;
}

export const live = (readAt: string, role: string): TeamFreshness => ({ offline: false, readAt, reason: null, role });
export const fromCopy = (copy: { readAt: string; role: string }, reason: string): TeamFreshness => ({
  offline: true,
  readAt: copy.readAt,
  reason,
  role: copy.role,
});

export async function rememberList(s: CoreServices, workspaceId: string, copy: ListCopy): Promise<void> {
  const memory = memoryOf(s, workspaceId);
  memory.list = copy;
  const journal = await openJournal(s, workspaceId);
  const key = JSON.stringify([copy.all, copy.role, copy.where]);
  journal.db.transaction(() => {
    if (memory.listKey !== key) journal.writeSetting(LIST, { ...copy, readAt: '' } as never);
    journal.writeSetting(LIST_AT, { readAt: copy.readAt, where: copy.where ?? '' });
  })();
  memory.listKey = key;
}

export async function rememberDetail(s: CoreServices, workspaceId: string, copy: DetailCopy): Promise<void> {
  memoryOf(s, workspaceId).details.set(copy.request.id, copy);
  (await openJournal(s, workspaceId)).writeSetting(`${DETAIL}${copy.request.id}`, copy as never);
}

export async function rememberAudit(s: CoreServices, workspaceId: string, copy: AuditCopy): Promise<void> {
  memoryOf(s, workspaceId).audit = copy;
  (await openJournal(s, workspaceId)).writeSetting(AUDIT, copy as never);
}

export async function listCopy(s: CoreServices, workspaceId: string, where: string): Promise<ListCopy | undefined> {
  const memory = memoryOf(s, workspaceId);
  if (memory.list?.where === where) return memory.list;
  const journal = await openJournal(s, workspaceId);
  const stored = journal.readSetting<ListCopy>(LIST);
  const at = journal.readSetting<{ readAt: string; where: string }>(LIST_AT);
  if (!stored || !at || stored.where !== where || at.where !== where) return undefined;
  return { ...stored, readAt: at.readAt };
}

export async function auditCopy(s: CoreServices, workspaceId: string, where: string): Promise<AuditCopy | undefined> {
  const memory = memoryOf(s, workspaceId);
  const copy = memory.audit ?? (await openJournal(s, workspaceId)).readSetting<AuditCopy>(AUDIT);
  return copy?.where === where ? copy : undefined;
}

/**
 * A request as last read: its own detail when it was opened (with the timeline then), or its row
 * in the list copy when that is newer or the detail was never opened (its timeline then from the
 * audit copy, which may be shorter than the whole history).
 */
export async function detailCopy(s: CoreServices, workspaceId: string, where: string, id: string): Promise<DetailCopy | undefined> {
  const memory = memoryOf(s, workspaceId);
  const opened = memory.details.get(id) ?? (await openJournal(s, workspaceId)).readSetting<DetailCopy>(`${DETAIL}${id}`);
  const detail = opened?.where === where ? opened : undefined;
  const list = await listCopy(s, workspaceId, where);
  const row = list?.all.find((r) => r.id === id);
  if (!list || !row || (detail && detail.readAt >= list.readAt)) return detail;
  const audit = await auditCopy(s, workspaceId, where);
  const fromAudit = audit?.entries.filter((e) => e.requestId === id) ?? [];
  // The newer row with the longer timeline; "as of" is the older of the two reads it mixes.
  const useDetail = detail !== undefined && detail.timeline.length >= fromAudit.length;
  const timeline = useDetail ? detail.timeline : fromAudit;
  const timelineAt = useDetail ? detail.readAt : (audit?.readAt ?? list.readAt);
  return { request: row, timeline, readAt: timelineAt < list.readAt ? timelineAt : list.readAt, role: list.role, where };
}

/** Leaving the team: its register's copy is not this machine's to keep. */
export async function forgetOfflineCopy(s: CoreServices, workspaceId: string): Promise<void> {
  memories.get(s)?.delete(workspaceId);
  const journal = await openJournal(s, workspaceId);
  journal.db
    .prepare(`DELETE FROM store_settings WHERE key IN (?, ?, ?) OR key LIKE ? ESCAPE '\\'`)
    .run(LIST, LIST_AT, AUDIT, 'team.offlineDetail.%');
}

/**
 * A read: live when the team database answers; otherwise the copy `offline` finds for the
 * reason, or, with no copy, the refusal itself.
 */
export async function liveOrCopy<T>(read: () => Promise<T>, offline: (reason: string) => Promise<T | undefined>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isTeamUnreachable(error)) throw error;
    const copy = await offline((error as LetheError).message);
    if (copy === undefined) throw error;
    return copy;
  }
}

/** A write while the team database does not answer: refused, saying nothing was kept to send later. */
export function refusedOffline(error: unknown): unknown {
  if (!isTeamUnreachable(error)) return error;
  return new LetheError(
    'team_unreachable',
    `${(error as LetheError).message}. Nothing was changed and nothing is queued: the console shows the last copy it read, read-only, until the team database answers again.`,
  );
}
