// Longer than ~400 lines on purpose: one short typed method per Zendesk endpoint Lethe calls, over one
// shared transport, pagination and rate-limit budget; the plumbing is already apart (transport,
// pagination, jobs, attachments, schemas). Others are changing it now.
import { z } from 'zod';
import { HelpdeskCancelledError, HelpdeskError } from './errors';
import { downloadAttachment, type AttachmentDownload } from './attachments';
import { isTerminal, outcomeOf, type JobOutcome, type JobPollOptions } from './jobs';
import {
  cursorPages,
  incrementalCursorPages,
  incrementalTimePages,
  offsetPages,
  type CursorPage,
  type IncrementalCursorPage,
  type IncrementalCursorStart,
  type IncrementalTimePage,
  type OffsetPage,
} from './pagination';
import {
  Attachment,
  Comment,
  DeletedTicket,
  DeletedUser,
  Identity,
  JobStatus,
  Organization,
  OrganizationMembership,
  RelatedCounts,
  SearchResult,
  Ticket,
  TicketEvent,
  User,
} from './schemas';
import { HelpdeskTransport, operationOf, type CallSpec, type HelpdeskAuth, type TransportOptions } from './transport';

export type { HelpdeskAuth } from './transport';

/** Zendesk caps `ids=` lists of show_many and destroy_many at 100. */
export const MAX_IDS = 100;

interface Call {
  signal?: AbortSignal | undefined;
}

const one = <K extends string, S extends z.ZodType>(key: K, schema: S) => z.looseObject({ [key]: schema } as { [P in K]: S });

/**
 * The Zendesk Support API as Lethe uses it. Every call goes through one transport and so through
 * one rate-limit scheduler; share a client (or its scheduler) between the concurrent tasks of one
 * account. Methods take path templates, never concatenated strings, so errors and the conformance
 * suite can name the operation.
 */
export class ZendeskClient {
  readonly transport: HelpdeskTransport;

  constructor(auth: HelpdeskAuth, options: TransportOptions = {}) {
    this.transport = new HelpdeskTransport(auth, options);
  }

  get scheduler() {
    return this.transport.scheduler;
  }

  #get<S extends z.ZodType>(resource: string, schema: S, spec: Omit<CallSpec, 'method'>): Promise<z.output<S>> {
    return this.transport.parse({ ...spec, method: 'GET' }, resource, schema);
  }

  /** A call whose answer Lethe does not read (204, or an empty 200). */
  async #send(spec: CallSpec): Promise<void> {
    await this.transport.json(spec);
  }

  // --- users ---------------------------------------------------------------------------------

  async me(call: Call = {}): Promise<User> {
    return (await this.#get('user', one('user', User), { template: '/api/v2/users/me', signal: call.signal })).user;
  }

  /** `me` without the schema: Zendesk answers anonymous callers with a user whose id is null. */
  async meRaw(call: Call = {}): Promise<{ id: number | null; name?: unknown; role?: unknown }> {
    const body = await this.#get('user', one('user', z.looseObject({ id: z.number().int().nullable() })), {
      template: '/api/v2/users/me',
      signal: call.signal,
    });
    return body.user;
  }

  async getUser(userId: number, options: Call & { include?: string[] } = {}): Promise<User> {
    const body = await this.#get('user', one('user', User), {
      template: '/api/v2/users/{user_id}',
      params: { user_id: userId },
      query: { include: options.include },
      signal: options.signal,
    });
    return body.user;
  }

  /** Users by id, in batches of 100. `includeDeleted` also returns soft-deleted users. */
  async showManyUsers(ids: readonly number[], options: Call & { includeDeleted?: boolean } = {}): Promise<User[]> {
    const out: User[] = [];
    for (const batch of chunks(ids, MAX_IDS)) {
      const body = await this.#get('users', one('users', z.array(User)), {
        template: '/api/v2/users/show_many',
        query: { ids: batch, include_deleted: options.includeDeleted ? true : undefined },
        signal: options.signal,
      });
      out.push(...body.users);
    }
    return out;
  }

  /** Zendesk search syntax (`email:"a@b.c"`); offset paging, at most 10,000 results. */
  searchUsers(query: string, options: Call & { perPage?: number } = {}): AsyncGenerator<OffsetPage<User>> {
    return offsetPages(
      this.transport,
      { spec: { method: 'GET', template: '/api/v2/users/search', query: { query }, signal: options.signal }, key: 'users', item: User },
      options.perPage ?? 100,
    );
  }

  async updateUser(userId: number, user: Record<string, unknown>, call: Call = {}): Promise<User> {
    const body = await this.transport.parse(
      { method: 'PUT', template: '/api/v2/users/{user_id}', params: { user_id: userId }, body: { user }, signal: call.signal },
      'user',
      one('user', User),
    );
    return body.user;
  }

  suspendUser(userId: number, call: Call = {}): Promise<User> {
    return this.updateUser(userId, { suspended: true }, call);
  }

  unsuspendUser(userId: number, call: Call = {}): Promise<User> {
    return this.updateUser(userId, { suspended: false }, call);
  }

  /** Signs the user out everywhere (part of restricting processing). */
  revokeSessions(userId: number, call: Call = {}): Promise<void> {
    return this.#send({ method: 'DELETE', template: '/api/v2/users/{user_id}/sessions', params: { user_id: userId }, signal: call.signal });
  }

  /** Soft delete: the user becomes `active:false`; permanent deletion is `permanentlyDeleteUser`. */
  async deleteUser(userId: number, call: Call = {}): Promise<User> {
    const body = await this.transport.parse(
      { method: 'DELETE', template: '/api/v2/users/{user_id}', params: { user_id: userId }, signal: call.signal },
      'user',
      one('user', User),
    );
    return body.user;
  }

  /** Soft-deletes up to 100 users as a background job. */
  destroyManyUsers(ids: readonly number[], call: Call = {}): Promise<JobStatus> {
    return this.#job({ method: 'DELETE', template: '/api/v2/users/destroy_many', query: { ids: checkedIds(ids) }, signal: call.signal });
  }

  async userRelated(userId: number, call: Call = {}): Promise<z.output<typeof RelatedCounts>> {
    const body = await this.#get('user_related', one('user_related', RelatedCounts), {
      template: '/api/v2/users/{user_id}/related',
      params: { user_id: userId },
      signal: call.signal,
    });
    return body.user_related;
  }

  // --- identities ----------------------------------------------------------------------------

  listIdentities(userId: number, options: Call & { pageSize?: number } = {}): AsyncGenerator<CursorPage<Identity>> {
    return cursorPages(
      this.transport,
      {
        spec: { method: 'GET', template: '/api/v2/users/{user_id}/identities', params: { user_id: userId }, signal: options.signal },
        key: 'identities',
        item: Identity,
      },
      options.pageSize ?? 100,
    );
  }

  async createIdentity(
    userId: number,
    identity: { type: string; value: string },
    options: Call & { skipVerifyEmail?: boolean } = {},
  ): Promise<Identity> {
    const body = await this.transport.parse(
      {
        method: 'POST',
        template: '/api/v2/users/{user_id}/identities',
        params: { user_id: userId },
        body: { identity: { ...identity, ...(options.skipVerifyEmail ? { skip_verify_email: true } : {}) } },
        signal: options.signal,
      },
      'identity',
      one('identity', Identity),
    );
    return body.identity;
  }

  async makeIdentityPrimary(userId: number, identityId: number, call: Call = {}): Promise<Identity[]> {
    const body = await this.transport.parse(
      {
        method: 'PUT',
        template: '/api/v2/users/{user_id}/identities/{user_identity_id}/make_primary',
        params: { user_id: userId, user_identity_id: identityId },
        signal: call.signal,
      },
      'identities',
      one('identities', z.array(Identity)),
    );
    return body.identities;
  }

  deleteIdentity(userId: number, identityId: number, call: Call = {}): Promise<void> {
    return this.#send({
      method: 'DELETE',
      template: '/api/v2/users/{user_id}/identities/{user_identity_id}',
      params: { user_id: userId, user_identity_id: identityId },
      signal: call.signal,
    });
  }

  // --- deleted users -------------------------------------------------------------------------

  async getDeletedUser(userId: number, call: Call = {}): Promise<DeletedUser> {
    const body = await this.#get('deleted_user', one('deleted_user', DeletedUser), {
      template: '/api/v2/deleted_users/{deleted_user_id}',
      params: { deleted_user_id: userId },
      signal: call.signal,
    });
    return body.deleted_user;
  }

  listDeletedUsers(options: Call & { pageSize?: number } = {}): AsyncGenerator<CursorPage<DeletedUser>> {
    return cursorPages(
      this.transport,
      { spec: { method: 'GET', template: '/api/v2/deleted_users', signal: options.signal }, key: 'deleted_users', item: DeletedUser },
      options.pageSize ?? 100,
    );
  }

  /** Irreversible. The user must be soft-deleted first. */
  async permanentlyDeleteUser(userId: number, call: Call = {}): Promise<DeletedUser> {
    const body = await this.transport.parse(
      { method: 'DELETE', template: '/api/v2/deleted_users/{deleted_user_id}', params: { deleted_user_id: userId }, signal: call.signal },
      'deleted_user',
      one('deleted_user', DeletedUser),
    );
    return body.deleted_user;
  }

  // --- organizations & memberships -----------------------------------------------------------

  async getOrganization(organizationId: number, call: Call = {}): Promise<Organization> {
    const body = await this.#get('organization', one('organization', Organization), {
      template: '/api/v2/organizations/{organization_id}',
      params: { organization_id: organizationId },
      signal: call.signal,
    });
    return body.organization;
  }

  async showManyOrganizations(ids: readonly number[], call: Call = {}): Promise<Organization[]> {
    const out: Organization[] = [];
    for (const batch of chunks(ids, MAX_IDS)) {
      const body = await this.#get('organizations', one('organizations', z.array(Organization)), {
        template: '/api/v2/organizations/show_many',
        query: { ids: batch },
        signal: call.signal,
      });
      out.push(...body.organizations);
    }
    return out;
  }

  /** Memberships of one user, or of the whole account when `userId` is omitted. */
  listOrganizationMemberships(
    options: Call & { userId?: number; pageSize?: number } = {},
  ): AsyncGenerator<CursorPage<OrganizationMembership>> {
    const spec: CallSpec =
      options.userId === undefined
        ? { method: 'GET', template: '/api/v2/organization_memberships', signal: options.signal }
        : {
            method: 'GET',
            template: '/api/v2/users/{user_id}/organization_memberships',
            params: { user_id: options.userId },
            signal: options.signal,
          };
    return cursorPages(this.transport, { spec, key: 'organization_memberships', item: OrganizationMembership }, options.pageSize ?? 100);
  }

  async createOrganizationMembership(
    membership: { user_id: number; organization_id: number },
    call: Call = {},
  ): Promise<OrganizationMembership> {
    const body = await this.transport.parse(
      {
        method: 'POST',
        template: '/api/v2/organization_memberships',
        body: { organization_membership: membership },
        signal: call.signal,
      },
      'organization_membership',
      one('organization_membership', OrganizationMembership),
    );
    return body.organization_membership;
  }

  deleteOrganizationMembership(membershipId: number, call: Call = {}): Promise<void> {
    return this.#send({
      method: 'DELETE',
      template: '/api/v2/organization_memberships/{organization_membership_id}',
      params: { organization_membership_id: membershipId },
      signal: call.signal,
    });
  }

  // --- tickets -------------------------------------------------------------------------------

  async getTicket(ticketId: number, options: Call & { include?: string[] } = {}): Promise<Ticket> {
    const body = await this.#get('ticket', one('ticket', Ticket), {
      template: '/api/v2/tickets/{ticket_id}',
      params: { ticket_id: ticketId },
      query: { include: options.include },
      signal: options.signal,
    });
    return body.ticket;
  }

  async showManyTickets(ids: readonly number[], call: Call = {}): Promise<Ticket[]> {
    const out: Ticket[] = [];
    for (const batch of chunks(ids, MAX_IDS)) {
      const body = await this.#get('tickets', one('tickets', z.array(Ticket)), {
        template: '/api/v2/tickets/show_many',
        query: { ids: batch },
        signal: call.signal,
      });
      out.push(...body.tickets);
    }
    return out;
  }

  async updateTicket(ticketId: number, ticket: Record<string, unknown>, call: Call = {}): Promise<Ticket> {
    const body = await this.transport.parse(
      { method: 'PUT', template: '/api/v2/tickets/{ticket_id}', params: { ticket_id: ticketId }, body: { ticket }, signal: call.signal },
      'ticket',
      one('ticket', Ticket),
    );
    return body.ticket;
  }

  /** Soft delete (restorable for about 30 days). */
  deleteTicket(ticketId: number, call: Call = {}): Promise<void> {
    return this.#send({ method: 'DELETE', template: '/api/v2/tickets/{ticket_id}', params: { ticket_id: ticketId }, signal: call.signal });
  }

  destroyManyTickets(ids: readonly number[], call: Call = {}): Promise<JobStatus> {
    return this.#job({ method: 'DELETE', template: '/api/v2/tickets/destroy_many', query: { ids: checkedIds(ids) }, signal: call.signal });
  }

  requestedTickets(userId: number, options: Call & { pageSize?: number } = {}): AsyncGenerator<CursorPage<Ticket>> {
    return cursorPages(
      this.transport,
      {
        spec: { method: 'GET', template: '/api/v2/users/{user_id}/tickets/requested', params: { user_id: userId }, signal: options.signal },
        key: 'tickets',
        item: Ticket,
      },
      options.pageSize ?? 100,
    );
  }

  /** Offset paging: the ccd listing does not reliably support cursors. */
  ccdTickets(userId: number, options: Call & { perPage?: number } = {}): AsyncGenerator<OffsetPage<Ticket>> {
    return offsetPages(
      this.transport,
      {
        spec: { method: 'GET', template: '/api/v2/users/{user_id}/tickets/ccd', params: { user_id: userId }, signal: options.signal },
        key: 'tickets',
        item: Ticket,
      },
      options.perPage ?? 100,
    );
  }

  // --- deleted tickets -----------------------------------------------------------------------

  listDeletedTickets(options: Call & { pageSize?: number } = {}): AsyncGenerator<CursorPage<DeletedTicket>> {
    return cursorPages(
      this.transport,
      { spec: { method: 'GET', template: '/api/v2/deleted_tickets', signal: options.signal }, key: 'deleted_tickets', item: DeletedTicket },
      options.pageSize ?? 100,
    );
  }

  restoreDeletedTicket(ticketId: number, call: Call = {}): Promise<void> {
    return this.#send({
      method: 'PUT',
      template: '/api/v2/deleted_tickets/{ticket_id}/restore',
      params: { ticket_id: ticketId },
      signal: call.signal,
    });
  }

  /** Irreversible; the ticket must be soft-deleted first. */
  permanentlyDeleteTicket(ticketId: number, call: Call = {}): Promise<JobStatus> {
    return this.#job({
      method: 'DELETE',
      template: '/api/v2/deleted_tickets/{ticket_id}',
      params: { ticket_id: ticketId },
      signal: call.signal,
    });
  }

  /** Irreversible; goes on past individual failures, so read the job's per-item results. */
  destroyManyDeletedTickets(ids: readonly number[], call: Call = {}): Promise<JobStatus> {
    return this.#job({
      method: 'DELETE',
      template: '/api/v2/deleted_tickets/destroy_many',
      query: { ids: checkedIds(ids) },
      signal: call.signal,
    });
  }

  // --- comments, attachments, redaction ------------------------------------------------------

  /**
   * A ticket's comments, without its Talk voice comments (`type: "VoiceComment"`): those are the
   * Talk surface's (surfaces/talk.ts reads them from the same listing), and the ticket events
   * export the sync reads does not carry them in the simulator, so the cache, revalidation and
   * subject refreshes compare like with like.
   */
  async *listComments(
    ticketId: number,
    options: Call & { pageSize?: number; includeInlineImages?: boolean } = {},
  ): AsyncGenerator<CursorPage<Comment>> {
    for await (const page of this.listAllComments(ticketId, options))
      yield { ...page, items: page.items.filter((c) => c.type !== 'VoiceComment') };
  }

  private listAllComments(
    ticketId: number,
    options: Call & { pageSize?: number; includeInlineImages?: boolean } = {},
  ): AsyncGenerator<CursorPage<Comment>> {
    return cursorPages(
      this.transport,
      {
        spec: {
          method: 'GET',
          template: '/api/v2/tickets/{ticket_id}/comments',
          params: { ticket_id: ticketId },
          query: { include_inline_images: options.includeInlineImages ? true : undefined },
          signal: options.signal,
        },
        key: 'comments',
        item: Comment,
      },
      options.pageSize ?? 100,
    );
  }

  /** Streams an attachment's bytes; credentials go only to the helpdesk's own origin. */
  downloadAttachment(contentUrl: string, call: Call = {}): Promise<AttachmentDownload> {
    return downloadAttachment(this.transport, contentUrl, call.signal ? { signal: call.signal } : {});
  }

  /** Legacy redaction of a string in one comment; refused on closed tickets. */
  async redactCommentText(ticketId: number, commentId: number, text: string, call: Call = {}): Promise<Comment> {
    const body = await this.transport.parse(
      {
        method: 'PUT',
        template: '/api/v2/tickets/{ticket_id}/comments/{ticket_comment_id}/redact',
        params: { ticket_id: ticketId, ticket_comment_id: commentId },
        body: { text },
        signal: call.signal,
      },
      'comment',
      one('comment', Comment),
    );
    return body.comment;
  }

  /** Agent Workspace redaction: `<redact>` tags in `htmlBody`; works on closed and archived tickets. */
  async redactComment(
    commentId: number,
    input: { ticketId: number; htmlBody: string; externalAttachmentUrls?: string[] },
    call: Call = {},
  ): Promise<Comment> {
    const body = await this.transport.parse(
      {
        method: 'PUT',
        template: '/api/v2/comment_redactions/{ticket_comment_id}',
        params: { ticket_comment_id: commentId },
        body: {
          ticket_id: input.ticketId,
          html_body: input.htmlBody,
          ...(input.externalAttachmentUrls ? { external_attachment_urls: input.externalAttachmentUrls } : {}),
        },
        signal: call.signal,
      },
      'comment',
      one('comment', Comment),
    );
    return body.comment;
  }

  /** Replaces the attachment by an empty `redacted.txt`; refused on closed tickets. */
  async redactAttachment(ticketId: number, commentId: number, attachmentId: number, call: Call = {}): Promise<Attachment> {
    const body = await this.transport.parse(
      {
        method: 'PUT',
        template: '/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact',
        params: { ticket_id: ticketId, comment_id: commentId, attachment_id: attachmentId },
        signal: call.signal,
      },
      'attachment',
      one('attachment', Attachment),
    );
    return body.attachment;
  }

  // --- jobs ----------------------------------------------------------------------------------

  async #job(spec: CallSpec): Promise<JobStatus> {
    return (await this.transport.parse(spec, 'job_status', one('job_status', JobStatus))).job_status;
  }

  async getJobStatus(jobId: string, call: Call = {}): Promise<JobStatus> {
    return this.#job({
      method: 'GET',
      template: '/api/v2/job_statuses/{job_status_id}',
      params: { job_status_id: jobId },
      signal: call.signal,
    });
  }

  /**
   * Polls a job until it is completed, failed or killed, backing off between polls, and returns
   * its per-item results split into successes and failures.
   */
  async waitForJob(job: string | JobStatus, options: JobPollOptions = {}): Promise<JobOutcome> {
    const clock = this.scheduler.clock;
    let current = typeof job === 'string' ? await this.getJobStatus(job, { signal: options.signal }) : job;
    const deadline = clock.now() + (options.timeoutMs ?? 30 * 60_000);
    let interval = options.intervalMs ?? 1_000;
    const maxInterval = options.maxIntervalMs ?? 15_000;
    for (;;) {
      options.onProgress?.(current);
      if (isTerminal(current.status)) return outcomeOf({ ...current, status: current.status });
      if (clock.now() + interval > deadline) {
        throw new HelpdeskError(
          'helpdesk_error',
          `Job ${current.id} did not finish in time (${current.status})`,
          operationOf({ method: 'GET', template: '/api/v2/job_statuses/{job_status_id}' }),
          undefined,
          { jobStatus: current.status },
        );
      }
      try {
        await clock.sleep(interval, options.signal);
      } catch {
        throw new HelpdeskCancelledError('GET /api/v2/job_statuses/{job_status_id}');
      }
      interval = Math.min(maxInterval, interval * 2);
      current = await this.getJobStatus(current.id, { signal: options.signal });
    }
  }

  // --- exports -------------------------------------------------------------------------------

  /** Incremental ticket export, cursor based (per_page up to 1000). */
  exportTickets(start: IncrementalCursorStart & Call & { include?: string[] }): AsyncGenerator<IncrementalCursorPage<Ticket>> {
    return incrementalCursorPages(
      this.transport,
      {
        spec: { method: 'GET', template: '/api/v2/incremental/tickets/cursor', query: { include: start.include }, signal: start.signal },
        key: 'tickets',
        item: Ticket,
      },
      start,
    );
  }

  exportUsers(start: IncrementalCursorStart & Call): AsyncGenerator<IncrementalCursorPage<User>> {
    return incrementalCursorPages(
      this.transport,
      { spec: { method: 'GET', template: '/api/v2/incremental/users/cursor', signal: start.signal }, key: 'users', item: User },
      start,
    );
  }

  /** Organizations have no cursor export: time based, resumed from `end_time`. */
  exportOrganizations(start: Call & { startTime: number; perPage?: number }): AsyncGenerator<IncrementalTimePage<Organization>> {
    return incrementalTimePages(
      this.transport,
      {
        spec: { method: 'GET', template: '/api/v2/incremental/organizations', signal: start.signal },
        key: 'organizations',
        item: Organization,
      },
      start,
    );
  }

  /** Ticket events with comment bodies (`include=comment_events`): comments without a call per ticket. */
  exportTicketEvents(
    start: Call & { startTime: number; includeCommentEvents?: boolean },
  ): AsyncGenerator<IncrementalTimePage<TicketEvent>> {
    return incrementalTimePages(
      this.transport,
      {
        spec: {
          method: 'GET',
          template: '/api/v2/incremental/ticket_events',
          query: { include: start.includeCommentEvents === false ? undefined : 'comment_events' },
          signal: start.signal,
        },
        key: 'ticket_events',
        item: TicketEvent,
      },
      { startTime: start.startTime },
    );
  }

  /** Search export: cursor paged, no 1,000-result cap; `type` is required by Zendesk. */
  searchExport(
    query: string,
    options: Call & { type: 'ticket' | 'user' | 'organization' | 'group'; pageSize?: number },
  ): AsyncGenerator<CursorPage<SearchResult>> {
    return cursorPages(
      this.transport,
      {
        spec: { method: 'GET', template: '/api/v2/search/export', query: { query, 'filter[type]': options.type }, signal: options.signal },
        key: 'results',
        item: SearchResult,
      },
      options.pageSize ?? 100,
    );
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function checkedIds(ids: readonly number[]): number[] {
  if (ids.length === 0 || ids.length > MAX_IDS) throw new RangeError(`Between 1 and ${MAX_IDS} ids per bulk call, got ${ids.length}`);
  return [...ids];
}
