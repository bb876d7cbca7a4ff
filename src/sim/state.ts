// Longer than ~400 lines on purpose: the overlays of every record kind and the change logs the
// incremental exports read live in one class, because a change to one kind is checked against others
// (a user with open tickets cannot be deleted) and must reach its change log in the same step. Others
// are changing it now; a split waits for that.
import { randomBytes } from 'node:crypto';
import { Dataset, ID, TICKET_LIFETIME_MS, isoSeconds as iso } from './dataset';
import type {
  AttachmentRecord,
  CommentRecord,
  MembershipRecord,
  OrganizationRecord,
  TicketRecord,
  TicketStatus,
  UserRecord,
} from './types';

/**
 * The live helpdesk: the generated dataset plus overlays of everything that changed since start.
 * Only changed records are held in memory, so a large dataset stays lazy.
 */

export type UserStatus = 'active' | 'deleted' | 'purged';
export type TicketState = 'live' | 'deleted' | 'purged';

export interface UserView {
  rec: UserRecord;
  status: UserStatus;
  deletedAtMs: number | null;
}

export interface TicketView {
  rec: TicketRecord;
  state: TicketState;
  archived: boolean;
  deletedAtMs: number | null;
  deletedBy: number | null;
  previousStatus: TicketStatus | null;
}

export interface TicketPeople {
  id: number;
  requesterId: number;
  submitterId: number;
  assigneeId: number | null;
  ccIds: number[];
  followerIds: number[];
  status: TicketStatus;
  archived: boolean;
  state: TicketState;
  organizationId: number | null;
  tags: string[];
  createdMs: number;
}

export interface JobResult {
  id: number;
  action: string;
  success: boolean;
  status?: string;
  error?: string;
  details?: string;
}

export interface Job {
  id: string;
  job_type: string;
  status: 'queued' | 'working' | 'completed' | 'failed';
  total: number;
  progress: number;
  message: string | null;
  results: JobResult[] | null;
  createdMs: number;
  polls: number;
  run: () => JobResult[];
}

export interface RedactionEntry {
  kind: 'comment_legacy' | 'comment_redactions' | 'attachment';
  ticketId: number;
  commentId: number;
  attachmentId?: number;
  atMs: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  route: string;
  status: number;
  atMs: number;
}

export interface OverlayEvent {
  id: number;
  ticketId: number;
  ms: number;
  updaterId: number;
  comment: number | null;
  changes: { field_name: string; value: unknown; previous_value: unknown }[];
}

/** Append-only order of changed ids, for the incremental exports (an id moves to the end when touched again). */
export class ChangeLog {
  private seq = 0;
  readonly latest = new Map<number, number>();
  readonly entries: { id: number; seq: number; ms: number }[] = [];
  touch(id: number, ms: number): void {
    this.seq += 1;
    this.latest.set(id, this.seq);
    this.entries.push({ id, seq: this.seq, ms });
  }
  has(id: number): boolean {
    return this.latest.has(id);
  }
  isCurrent(e: { id: number; seq: number }): boolean {
    return this.latest.get(e.id) === e.seq;
  }
}

const PURGED_NAME = 'Permanently Deleted User';
const clone = <T>(v: T): T => structuredClone(v);

/**
 * Where ids of things made while the simulator runs start. Comments and audits written now get ids
 * above every generated one, as Zendesk's would; an audit's change events are numbered id * 10 + k
 * (routes-export.ts), which must stay an exact integer.
 */
export const RUNTIME_ID = {
  identity: 910_000_000_000,
  comment: 250_000_000_000_000,
  event: 850_000_000_000_000,
  user: 940_000_000_000,
} as const;

export class SimState {
  readonly ds: Dataset;
  private clockOffsetMs = 0;

  readonly users = new Map<number, UserRecord>();
  readonly userDeleted = new Map<number, { atMs: number; purgedAtMs: number | null; purgedBy?: number }>();
  readonly userChanges = new ChangeLog();
  readonly sessionsRevoked = new Map<number, number>();
  readonly createdUsers: number[] = [];

  readonly tickets = new Map<number, TicketRecord>();
  readonly ticketDeleted = new Map<number, { atMs: number; by: number; previous: TicketStatus; purgedAtMs: number | null }>();
  readonly ticketChanges = new ChangeLog();

  readonly comments = new Map<number, CommentRecord>();
  readonly extraComments = new Map<number, number[]>();
  private readonly extraCommentTicket = new Map<number, number>();
  readonly redactedAttachments = new Set<number>();
  readonly redactions: RedactionEntry[] = [];
  readonly events: OverlayEvent[] = [];

  readonly orgs = new Map<number, OrganizationRecord>();
  readonly removedMemberships = new Set<number>();

  readonly jobs = new Map<string, Job>();
  readonly requestLog: RequestLogEntry[] = [];
  readonly requestCounts = new Map<string, number>();

  private nextId = { ...RUNTIME_ID };
  private emailIndex: Map<string, number[]> | null = null;

  constructor(ds: Dataset) {
    this.ds = ds;
  }

  // ---- clock -------------------------------------------------------------------------------

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }
  /** Moves simulated time forward, so tests can see changes leave the exports' one-minute blind spot. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  // ---- request log -------------------------------------------------------------------------

  logRequest(e: RequestLogEntry): void {
    this.requestLog.push(e);
    if (this.requestLog.length > 5000) this.requestLog.splice(0, this.requestLog.length - 5000);
    const key = `${e.method} ${e.route}`;
    this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
  }

  // ---- users -------------------------------------------------------------------------------

  userView(id: number): UserView | undefined {
    const del = this.userDeleted.get(id);
    if (del?.purgedAtMs != null) return { rec: this.scrubbedUser(id, del.purgedAtMs), status: 'purged', deletedAtMs: del.atMs };
    const rec = this.users.get(id) ?? this.baseUserById(id);
    if (!rec) return undefined;
    return { rec, status: del ? 'deleted' : 'active', deletedAtMs: del?.atMs ?? null };
  }

  private baseUserById(id: number): UserRecord | undefined {
    const i = this.ds.userIndex(id);
    return i === undefined ? undefined : this.ds.baseUser(i);
  }

  private scrubbedUser(id: number, atMs: number): UserRecord {
    const base = this.users.get(id) ?? this.baseUserById(id);
    return {
      ...(base as UserRecord),
      id,
      name: PURGED_NAME,
      email: null,
      phone: null,
      shared_phone_number: null,
      active: false,
      suspended: false,
      verified: false,
      locale: null,
      time_zone: null,
      iana_time_zone: null,
      organization_id: null,
      external_id: null,
      alias: null,
      details: null,
      notes: null,
      signature: null,
      tags: [],
      user_fields: {},
      last_login_at: null,
      updated_at: iso(atMs),
      identities: [],
    };
  }

  /** Every user id that exists or existed, in id order (generated first, then created). */
  *allUserIds(): Generator<number> {
    for (let i = 0; i < this.ds.userCount; i++) yield this.ds.userId(i);
    yield* this.createdUsers;
  }

  private mutableUser(id: number): UserRecord {
    let rec = this.users.get(id);
    if (!rec) {
      const base = this.baseUserById(id);
      if (!base) throw new Error(`no user ${id}`);
      rec = clone(base);
      this.users.set(id, rec);
    }
    return rec;
  }

  touchUser(id: number): UserRecord {
    const rec = this.mutableUser(id);
    const now = this.now();
    rec.updated_at = iso(now);
    this.userChanges.touch(id, now);
    return rec;
  }

  userUpdatedMs(id: number): number {
    const v = this.userView(id);
    return v ? Date.parse(v.rec.updated_at) : 0;
  }

  newIdentityId(): number {
    return this.nextId.identity++;
  }

  /** Users holding an identity (email case-insensitive, phone by digits) equal to value. */
  usersWithIdentity(value: string): number[] {
    const key = identityKey(value);
    if (!key) return [];
    const candidates = new Set<number>(this.baseIdentityIndex().get(key) ?? []);
    for (const id of this.users.keys()) candidates.add(id);
    const out: number[] = [];
    for (const id of candidates) {
      const v = this.userView(id);
      if (!v || v.status === 'purged') continue;
      if (v.rec.identities.some((x) => identityKey(x.value) === key)) out.push(id);
    }
    return out.sort((a, b) => a - b);
  }

  private baseIdentityIndex(): Map<string, number[]> {
    if (!this.emailIndex) {
      const idx = new Map<string, number[]>();
      for (let i = 0; i < this.ds.userCount; i++) {
        const values = [this.ds.primaryEmail(i), this.ds.secondaryEmail(i), this.ds.phone(i)];
        for (const v of values) {
          const key = v ? identityKey(v) : null;
          if (!key) continue;
          const list = idx.get(key);
          if (list) list.push(this.ds.userId(i));
          else idx.set(key, [this.ds.userId(i)]);
        }
      }
      this.emailIndex = idx;
    }
    return this.emailIndex;
  }

  /** Tickets (not permanently deleted, not soft-deleted) where the user is requester and which are not closed. */
  openRequestedTickets(userId: number): number[] {
    const out: number[] = [];
    this.forEachTicketPeople((t) => {
      if (t.state === 'live' && t.requesterId === userId && t.status !== 'closed') out.push(t.id);
    });
    return out;
  }

  softDeleteUser(id: number): { ok: true; rec: UserRecord } | { ok: false; code: 'not_found' | 'open_tickets'; tickets?: number[] } {
    const v = this.userView(id);
    if (!v || v.status !== 'active') return { ok: false, code: 'not_found' };
    const open = this.openRequestedTickets(id);
    if (open.length > 0) return { ok: false, code: 'open_tickets', tickets: open };
    const rec = this.touchUser(id);
    rec.active = false;
    this.userDeleted.set(id, { atMs: this.now(), purgedAtMs: null });
    return { ok: true, rec };
  }

  purgeUser(id: number, by: number): UserRecord | undefined {
    const del = this.userDeleted.get(id);
    if (!del || del.purgedAtMs !== null) return undefined;
    const now = this.now();
    del.purgedAtMs = now;
    del.purgedBy = by;
    this.userChanges.touch(id, now);
    return this.scrubbedUser(id, now);
  }

  // ---- organizations -----------------------------------------------------------------------

  orgView(id: number): OrganizationRecord | undefined {
    const o = this.orgs.get(id);
    if (o) return o;
    const i = this.ds.orgIndex(id);
    return i === undefined ? undefined : this.ds.baseOrg(i);
  }

  /** An organization about to change: its own copy, stamped now, so the incremental export sends it again. */
  touchOrg(id: number): OrganizationRecord | undefined {
    let rec = this.orgs.get(id);
    if (!rec) {
      const i = this.ds.orgIndex(id);
      if (i === undefined) return undefined;
      rec = clone(this.ds.baseOrg(i));
      this.orgs.set(id, rec);
    }
    rec.updated_at = iso(this.now());
    return rec;
  }

  *allOrgIds(): Generator<number> {
    for (let i = 0; i < this.ds.orgCount; i++) yield this.ds.orgId(i);
  }

  memberships(userId: number): MembershipRecord[] {
    const v = this.userView(userId);
    if (!v || v.status === 'purged') return [];
    const i = this.ds.userIndex(userId);
    if (i === undefined) return [];
    return this.ds.baseMemberships(i).filter((m) => !this.removedMemberships.has(m.id));
  }

  // ---- tickets -----------------------------------------------------------------------------

  ticketView(id: number): TicketView | undefined {
    const i = this.ds.ticketIndex(id);
    if (i === undefined) return undefined;
    const del = this.ticketDeleted.get(id);
    const archived = this.ds.ticketHead(i).archived;
    const rec = this.tickets.get(id) ?? this.ds.baseTicket(i);
    if (del?.purgedAtMs != null) {
      return {
        rec: {
          ...rec,
          subject: 'SCRUBBED',
          raw_subject: 'SCRUBBED',
          description: 'SCRUBBED',
          tags: [],
          custom_fields: [],
          satisfaction_rating: null,
          collaborator_ids: [],
          email_cc_ids: [],
          follower_ids: [],
          external_id: null,
          via: { channel: rec.via.channel, source: { from: {}, to: {}, rel: null } },
          recipient: null,
          updated_at: iso(del.purgedAtMs),
          generated_timestamp: Math.floor(del.purgedAtMs / 1000),
        },
        state: 'purged',
        archived,
        deletedAtMs: del.atMs,
        deletedBy: del.by,
        previousStatus: del.previous,
      };
    }
    return {
      rec,
      state: del ? 'deleted' : 'live',
      archived,
      deletedAtMs: del?.atMs ?? null,
      deletedBy: del?.by ?? null,
      previousStatus: del?.previous ?? null,
    };
  }

  /** Cheap per-ticket participant view: the skeleton for untouched tickets, the overlay otherwise. */
  ticketPeople(i: number): TicketPeople {
    const id = this.ds.ticketId(i);
    const del = this.ticketDeleted.get(id);
    const state: TicketState = del ? (del.purgedAtMs !== null ? 'purged' : 'deleted') : 'live';
    const rec = this.tickets.get(id);
    const sk = this.ds.ticketHead(i);
    if (rec) {
      return {
        id,
        requesterId: rec.requester_id,
        submitterId: rec.submitter_id,
        assigneeId: rec.assignee_id,
        ccIds: rec.email_cc_ids,
        followerIds: rec.follower_ids,
        status: rec.status,
        archived: sk.archived,
        state,
        organizationId: rec.organization_id,
        tags: rec.tags,
        createdMs: sk.createdMs,
      };
    }
    const ds = this.ds;
    const orgs = ds.userOrgIndexes(sk.requester);
    return {
      id,
      requesterId: ds.userId(sk.requester),
      submitterId: ds.userId(sk.submitter),
      assigneeId: sk.assignee === null ? null : ds.userId(sk.assignee),
      ccIds: sk.ccs.map((u) => ds.userId(u)),
      followerIds: sk.followers.map((u) => ds.userId(u)),
      status: sk.status,
      archived: sk.archived,
      state,
      organizationId: orgs[0] !== undefined ? ds.orgId(orgs[0]) : null,
      tags: sk.legalHold ? ['legal_hold'] : [],
      createdMs: sk.createdMs,
    };
  }

  forEachTicketPeople(cb: (t: TicketPeople) => void): void {
    for (let i = 0; i < this.ds.ticketCount; i++) cb(this.ticketPeople(i));
  }

  private mutableTicket(id: number): TicketRecord {
    let rec = this.tickets.get(id);
    if (!rec) {
      const i = this.ds.ticketIndex(id);
      if (i === undefined) throw new Error(`no ticket ${id}`);
      rec = clone(this.ds.baseTicket(i));
      this.tickets.set(id, rec);
    }
    return rec;
  }

  touchTicket(id: number): TicketRecord {
    const rec = this.mutableTicket(id);
    const now = this.now();
    rec.updated_at = iso(now);
    rec.generated_timestamp = Math.floor(now / 1000);
    this.ticketChanges.touch(id, now);
    return rec;
  }

  softDeleteTicket(id: number, by: number): boolean {
    const v = this.ticketView(id);
    if (!v || v.state !== 'live') return false;
    this.ticketDeleted.set(id, { atMs: this.now(), by, previous: v.rec.status, purgedAtMs: null });
    this.touchTicket(id);
    return true;
  }

  restoreTicket(id: number): boolean {
    const del = this.ticketDeleted.get(id);
    if (!del || del.purgedAtMs !== null) return false;
    this.ticketDeleted.delete(id);
    this.touchTicket(id);
    return true;
  }

  purgeTicket(id: number): boolean {
    const del = this.ticketDeleted.get(id);
    if (!del || del.purgedAtMs !== null) return false;
    del.purgedAtMs = this.now();
    this.ticketChanges.touch(id, del.purgedAtMs);
    return true;
  }

  addEvent(ticketId: number, updaterId: number, changes: OverlayEvent['changes'], comment: number | null): void {
    this.events.push({ id: this.nextId.event++, ticketId, ms: this.now(), updaterId, changes, comment });
  }

  // ---- comments and attachments ------------------------------------------------------------

  /**
   * Whether one of `userIds` wrote a comment on the ticket, without generating its comments when
   * the answer is already known: a generated comment is written by the ticket's submitter,
   * requester, a cc, its assignee or an agent, so for end users outside those roles (and no
   * changed or added comments) it is no. Search's commenter: term stays exact and a million
   * tickets take a second instead of building five million comments per query.
   */
  hasCommentBy(ticketId: number, userIds: ReadonlySet<number>): boolean {
    const i = this.ds.ticketIndex(ticketId);
    if (i === undefined) return false;
    const head = this.ds.ticketHead(i);
    let touched = this.extraComments.has(ticketId);
    for (let j = 0; j < head.commentCount && !touched; j++) touched = this.comments.has(this.ds.commentId(i, j, head));
    if (!touched) {
      const people = [head.submitter, head.requester, ...head.ccs, ...(head.assignee === null ? [] : [head.assignee])];
      const maybe =
        people.some((u) => userIds.has(this.ds.userId(u))) ||
        [...userIds].some((id) => {
          const u = this.ds.userIndex(id);
          return u !== undefined && this.ds.isAgentIndex(u);
        });
      if (!maybe) return false;
    }
    return this.ticketComments(ticketId).some((c) => c.author_id !== null && userIds.has(c.author_id));
  }

  /** Current comments of a ticket in creation order (redactions applied). */
  ticketComments(ticketId: number): CommentRecord[] {
    const i = this.ds.ticketIndex(ticketId);
    if (i === undefined) return [];
    const sk = this.ds.ticketSkeleton(i);
    const out: CommentRecord[] = [];
    for (let j = 0; j < sk.comments.length; j++) {
      const id = this.ds.commentId(i, j, sk);
      out.push(this.comments.get(id) ?? this.ds.baseComment(i, j, sk));
    }
    for (const id of this.extraComments.get(ticketId) ?? []) {
      const c = this.comments.get(id);
      if (c) out.push(c);
    }
    return out;
  }

  commentById(id: number): { ticketId: number; rec: CommentRecord } | undefined {
    const extraTicket = this.extraCommentTicket.get(id);
    if (extraTicket !== undefined) {
      const rec = this.comments.get(id);
      return rec ? { ticketId: extraTicket, rec } : undefined;
    }
    const pos = this.ds.commentPosition(id);
    if (!pos) return undefined;
    const [ti, j] = pos;
    return { ticketId: this.ds.ticketId(ti), rec: this.comments.get(id) ?? this.ds.baseComment(ti, j) };
  }

  mutableComment(id: number): CommentRecord {
    let rec = this.comments.get(id);
    if (!rec) {
      const found = this.commentById(id);
      if (!found) throw new Error(`no comment ${id}`);
      rec = clone(found.rec);
      this.comments.set(id, rec);
    }
    return rec;
  }

  addComment(ticketId: number, authorId: number, body: string, isPublic: boolean): CommentRecord {
    const id = this.nextId.comment++;
    const now = this.now();
    const rec: CommentRecord = {
      id,
      type: 'Comment',
      author_id: authorId,
      body,
      html_body: `<div class="zd-comment" dir="auto"><p dir="auto">${body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p></div>`,
      plain_body: body,
      public: isPublic,
      audit_id: this.nextId.event,
      created_at: iso(now),
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      metadata: { system: { client: 'lethe-sim', ip_address: '127.0.0.1', location: null, latitude: null, longitude: null }, custom: {} },
      attachments: [],
    };
    this.comments.set(id, rec);
    this.extraCommentTicket.set(id, ticketId);
    const list = this.extraComments.get(ticketId) ?? [];
    list.push(id);
    this.extraComments.set(ticketId, list);
    return rec;
  }

  attachmentContent(id: number): { rec: AttachmentRecord; bytes: Buffer } | undefined {
    const pos = this.ds.attachmentPosition(id);
    if (!pos) return undefined;
    const [ti, j, k] = pos;
    const comment = this.comments.get(this.ds.commentId(ti, j)) ?? this.ds.baseComment(ti, j);
    const rec = comment.attachments.find((a) => a.id === id);
    if (!rec) return undefined;
    if (this.redactedAttachments.has(id)) return { rec, bytes: Buffer.alloc(0) };
    return { rec, bytes: this.ds.attachmentBytes(ti, j, k) };
  }

  ticketOfAttachment(id: number): number | undefined {
    const pos = this.ds.attachmentPosition(id);
    return pos ? this.ds.ticketId(pos[0]) : undefined;
  }

  // ---- jobs --------------------------------------------------------------------------------

  /** A bulk job over ids; perItem runs only when the job completes, and only if no failure is injected for that id. */
  createJob(jobType: string, ids: number[], perItem: (id: number) => JobResult, injectFailure: (id: number) => boolean = () => false): Job {
    const run = (): JobResult[] =>
      ids.map((id) =>
        injectFailure(id)
          ? {
              id,
              action: jobType.includes('permanent') ? 'destroy' : 'delete',
              success: false,
              error: 'InternalError',
              details: 'Injected failure (simulator)',
            }
          : perItem(id),
      );
    const job: Job = {
      id: randomBytes(16).toString('hex'),
      job_type: jobType,
      status: 'queued',
      total: ids.length,
      progress: 0,
      message: null,
      results: null,
      createdMs: Date.now(),
      polls: 0,
      run,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  finishJob(job: Job): void {
    if (job.status === 'completed' || job.status === 'failed') return;
    try {
      job.results = job.run();
      job.status = 'completed';
      job.progress = job.total;
      const failed = job.results.filter((r) => !r.success).length;
      job.message = `Completed at ${new Date().toISOString()}${failed ? ` with ${failed} failure(s)` : ''}`;
    } catch (e) {
      job.status = 'failed';
      job.message = e instanceof Error ? e.message : 'failed';
      job.results = [];
    }
  }

  // ---- export ordering ---------------------------------------------------------------------

  private ticketOrder: Float64Array | null = null;
  private userOrder: Float64Array | null = null;

  /**
   * Untouched records in export order, packed as updatedSeconds * 2^21 + index (exact in a double),
   * so a native numeric sort orders a million tickets without holding a single record.
   */
  baseTicketOrder(): Float64Array {
    if (!this.ticketOrder) {
      const n = this.ds.ticketCount;
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = Math.floor(this.ds.ticketUpdatedMs(i) / 1000) * PACK + i;
      a.sort();
      this.ticketOrder = a;
    }
    return this.ticketOrder;
  }

  baseUserOrder(): Float64Array {
    if (!this.userOrder) {
      const n = this.ds.userCount;
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = Math.floor(this.ds.userUpdatedMs(i) / 1000) * PACK + i;
      a.sort();
      this.userOrder = a;
    }
    return this.userOrder;
  }

  ticketLifetimeMs(): number {
    return TICKET_LIFETIME_MS;
  }

  summary(): Record<string, unknown> {
    const jobs = [...this.jobs.values()];
    return {
      seed: this.ds.seed,
      size: this.ds.size,
      epoch: iso(this.ds.epochMs),
      now: iso(this.now()),
      counts: { users: this.ds.userCount + this.createdUsers.length, tickets: this.ds.ticketCount, organizations: this.ds.orgCount },
      users: {
        changed: this.users.size,
        deleted: [...this.userDeleted.entries()].filter(([, d]) => d.purgedAtMs === null).map(([id]) => id),
        permanently_deleted: [...this.userDeleted.entries()].filter(([, d]) => d.purgedAtMs !== null).map(([id]) => id),
        sessions_revoked: Object.fromEntries(this.sessionsRevoked),
      },
      tickets: {
        changed: this.tickets.size,
        deleted: [...this.ticketDeleted.entries()].filter(([, d]) => d.purgedAtMs === null).map(([id]) => id),
        permanently_deleted: [...this.ticketDeleted.entries()].filter(([, d]) => d.purgedAtMs !== null).map(([id]) => id),
      },
      redactions: this.redactions,
      jobs: jobs.map((j) => ({
        id: j.id,
        job_type: j.job_type,
        status: j.status,
        total: j.total,
        failures: j.results?.filter((r) => !r.success).length ?? 0,
      })),
      requests: { total: this.requestLog.length, by_endpoint: Object.fromEntries(this.requestCounts) },
    };
  }
}

export const PACK = 2 ** 21;

/** Canonical form of an identity value for matching: lower-cased email, or the digits of a phone. */
export function identityKey(value: string): string | null {
  const v = value.trim();
  if (v.includes('@')) return `e:${v.toLowerCase()}`;
  const digits = v.replace(/\D/g, '');
  return digits.length >= 6 ? `p:${digits}` : null;
}

export { ID };
