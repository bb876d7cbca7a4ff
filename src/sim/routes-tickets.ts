// Longer than ~400 lines on purpose: one Zendesk resource family (tickets, comments, attachments,
// organizations) per routes file, as Zendesk's API reference groups them, so each route sits beside
// its siblings.
import { HttpError, Router, badRequest, bodyObject, idList, idParam, invalid, notFound, paginate, type Ctx } from './http';
import { Reply, injector, jobJson, scheduleJob } from './jobs';
import { attachmentJson, commentJson, membershipJson, orgJson, parseAttachmentToken, ticketJson, userJson } from './serialize';
import type { TicketView } from './state';
import type { AttachmentRecord, CommentRecord, TicketRecord, TicketStatus } from './types';
import { ID, escapeHtml, isoSeconds as iso } from './dataset';
import { voiceCommentsOn } from './talk';

/** Tickets, comments, redaction, deleted tickets, attachments, organizations. */

const STATUSES: TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const BLOCK = '▇';

function liveTicket(ctx: Ctx, id: number): TicketView {
  const v = ctx.state.ticketView(id);
  if (!v || v.state !== 'live') throw notFound();
  return v;
}

function commentOf(ctx: Ctx, ticketId: number, commentId: number): CommentRecord {
  const found = ctx.state.commentById(commentId);
  if (!found || found.ticketId !== ticketId) throw notFound();
  return found.rec;
}

const closedError = (what: string): HttpError => invalid('status', `Status: closed prevents ${what}`, 'ClosedPreventsUpdate');

function userExists(ctx: Ctx, id: unknown): id is number {
  if (typeof id !== 'number') return false;
  return ctx.state.userView(id)?.status === 'active';
}

function idArray(ctx: Ctx, field: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.some((x) => !userExists(ctx, x)))
    throw invalid(field, `${field} must list existing users`, 'InvalidValue');
  return value as number[];
}

function updateTicket(ctx: Ctx): unknown {
  const id = idParam(ctx, 'id');
  const v = liveTicket(ctx, id);
  const patch = bodyObject(ctx, 'ticket');
  if (v.rec.status === 'closed') throw closedError('ticket update');
  if (patch.safe_update === true && typeof patch.updated_stamp === 'string' && patch.updated_stamp !== v.rec.updated_at) {
    throw new HttpError(409, {
      error: 'UpdateConflict',
      description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
    });
  }
  const changes: { field_name: string; value: unknown; previous_value: unknown }[] = [];
  // Validate everything before touching state, so a bad request changes nothing.
  const next: Partial<TicketRecord> = {};
  if ('status' in patch) {
    if (typeof patch.status !== 'string' || !STATUSES.includes(patch.status as TicketStatus))
      throw invalid('status', `Status: ${String(patch.status)} is not valid`, 'InvalidValue');
    next.status = patch.status as TicketStatus;
  }
  if ('requester_id' in patch) {
    if (!userExists(ctx, patch.requester_id)) throw invalid('requester_id', 'Requester: is invalid', 'InvalidValue');
    next.requester_id = patch.requester_id;
  }
  if ('assignee_id' in patch) {
    const a = patch.assignee_id;
    if (a !== null && (!userExists(ctx, a) || ctx.state.userView(a)?.rec.role === 'end-user'))
      throw invalid('assignee_id', 'Assignee: is not an agent', 'InvalidValue');
    next.assignee_id = a as number | null;
  }
  for (const f of ['subject', 'priority', 'type', 'external_id'] as const) {
    if (f in patch) {
      if (patch[f] !== null && typeof patch[f] !== 'string') throw invalid(f, `${f} must be a string`, 'InvalidValue');
      (next as Record<string, unknown>)[f] = patch[f];
    }
  }
  if ('tags' in patch) {
    if (!Array.isArray(patch.tags) || patch.tags.some((t) => typeof t !== 'string'))
      throw invalid('tags', 'tags must be strings', 'InvalidValue');
    next.tags = patch.tags as string[];
  }
  if ('email_cc_ids' in patch) next.email_cc_ids = idArray(ctx, 'email_cc_ids', patch.email_cc_ids);
  if ('collaborator_ids' in patch) next.collaborator_ids = idArray(ctx, 'collaborator_ids', patch.collaborator_ids);
  if ('follower_ids' in patch) next.follower_ids = idArray(ctx, 'follower_ids', patch.follower_ids);
  if ('custom_fields' in patch) {
    if (!Array.isArray(patch.custom_fields)) throw invalid('custom_fields', 'custom_fields must be a list', 'InvalidValue');
    const given = patch.custom_fields as unknown[];
    if (given.some((f) => !f || typeof f !== 'object' || typeof (f as { id?: unknown }).id !== 'number'))
      throw invalid('custom_fields', 'custom_fields must be {id, value} objects', 'InvalidValue');
    // Zendesk updates only the fields named; the others keep their values.
    const merged = new Map(v.rec.custom_fields.map((f) => [f.id, f.value]));
    for (const f of given as { id: number; value?: unknown }[]) {
      const value = f.value ?? null;
      if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        throw invalid('custom_fields', `custom field ${f.id}: value must be text, a number, a boolean or null`, 'InvalidValue');
      merged.set(f.id, value);
    }
    next.custom_fields = [...merged].map(([id, value]) => ({ id, value }));
  }
  let comment: { body: string; isPublic: boolean; author: number } | null = null;
  if (patch.comment && typeof patch.comment === 'object') {
    const c = patch.comment as Record<string, unknown>;
    const body = typeof c.body === 'string' ? c.body : typeof c.html_body === 'string' ? c.html_body.replace(/<[^>]*>/g, '') : null;
    if (!body || !body.trim()) throw invalid('comment', 'Comment: body cannot be blank', 'BlankValue');
    const author = typeof c.author_id === 'number' ? c.author_id : ctx.caller.userId;
    if (!userExists(ctx, author)) throw invalid('comment', 'Comment: author is invalid', 'InvalidValue');
    comment = { body, isPublic: c.public !== false, author };
  }
  const rec = ctx.state.touchTicket(id);
  for (const [k, val] of Object.entries(next)) {
    const prev = (rec as unknown as Record<string, unknown>)[k];
    (rec as unknown as Record<string, unknown>)[k] = val;
    changes.push({ field_name: k, value: val, previous_value: prev });
  }
  if (next.subject !== undefined) rec.raw_subject = next.subject;
  if (Array.isArray(patch.additional_tags)) rec.tags = [...new Set([...rec.tags, ...(patch.additional_tags as string[])])];
  if (Array.isArray(patch.remove_tags)) rec.tags = rec.tags.filter((t) => !(patch.remove_tags as string[]).includes(t));
  let commentId: number | null = null;
  if (comment) commentId = ctx.state.addComment(id, comment.author, comment.body, comment.isPublic).id;
  ctx.state.addEvent(id, ctx.caller.userId, changes, commentId);
  return {
    ticket: ticketJson(liveTicket(ctx, id), ctx.base),
    audit: {
      ticket_id: id,
      author_id: ctx.caller.userId,
      created_at: rec.updated_at,
      events: changes.map((c) => ({ type: 'Change', ...c })),
    },
  };
}

function blocks(text: string): string {
  return BLOCK.repeat([...text].length);
}

/** Replaces every occurrence of each string in the comment's text forms; returns how many were found. */
function redactStrings(c: CommentRecord, strings: string[]): number {
  let found = 0;
  for (const s of strings) {
    if (!s) continue;
    const esc = escapeHtml(s);
    if (c.body.includes(s) || c.plain_body.includes(s) || c.html_body.includes(esc)) found++;
    c.body = c.body.split(s).join(blocks(s));
    c.plain_body = c.plain_body.split(s).join(blocks(s));
    c.html_body = c.html_body.split(esc).join(blocks(s));
    const from = c.via.source.from;
    // Zendesk also redacts the stored original email; the simulator mirrors that on the sender fields.
    if (from.address && from.address.toLowerCase() === s.toLowerCase()) from.address = blocks(s);
    if (from.name && from.name.includes(s)) from.name = from.name.split(s).join(blocks(s));
  }
  return found;
}

function redactAttachmentRecord(ctx: Ctx, c: CommentRecord, a: AttachmentRecord): void {
  a.file_name = 'redacted.txt';
  a.content_type = 'text/plain';
  a.size = 0;
  a.width = null;
  a.height = null;
  ctx.state.redactedAttachments.add(a.id);
  void c;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** ?include=users adds every person the tickets reference (requester, submitter, assignee, CCs, followers). */
export function withTicketSideloads(ctx: Ctx, out: Record<string, unknown>, tickets: TicketView[]): Record<string, unknown> {
  const include = (ctx.query.get('include') ?? '').split(',').map((s) => s.trim());
  if (include.includes('users')) {
    const ids = new Set<number>();
    for (const { rec } of tickets) {
      for (const id of [
        rec.requester_id,
        rec.submitter_id,
        rec.assignee_id,
        ...rec.email_cc_ids,
        ...rec.collaborator_ids,
        ...rec.follower_ids,
      ])
        if (id !== null) ids.add(id);
    }
    out.users = [...ids]
      .map((id) => ctx.state.userView(id))
      .filter((v) => !!v && v.status !== 'purged')
      .map((v) => userJson(v!.rec, ctx.base));
  }
  return out;
}

export function registerTicketRoutes(r: Router): void {
  r.add('GET', '/api/v2/tickets/show_many', (ctx) => {
    const tickets = idList(ctx)
      .map((id) => ctx.state.ticketView(id))
      .filter((v): v is TicketView => !!v && v.state === 'live');
    return withTicketSideloads(
      ctx,
      { tickets: tickets.map((v) => ticketJson(v, ctx.base)), next_page: null, previous_page: null, count: tickets.length },
      tickets,
    );
  });
  r.add(
    'DELETE',
    '/api/v2/tickets/destroy_many',
    (ctx) => {
      const ids = idList(ctx);
      const state = ctx.state;
      const by = ctx.caller.userId;
      const job = state.createJob(
        'bulk_delete_tickets',
        ids,
        (id) =>
          state.softDeleteTicket(id, by)
            ? { id, action: 'delete', success: true, status: 'Deleted' }
            : { id, action: 'delete', success: false, error: 'TicketNotFound', details: 'Ticket not found or already deleted' },
        injector(ctx),
      );
      scheduleJob(ctx, job);
      return { job_status: jobJson(job, ctx.base) };
    },
    { adminOnly: true },
  );
  r.add('GET', '/api/v2/tickets/:id', (ctx) => {
    const v = liveTicket(ctx, idParam(ctx, 'id'));
    return withTicketSideloads(ctx, { ticket: ticketJson(v, ctx.base) }, [v]);
  });
  r.add('PUT', '/api/v2/tickets/:id', updateTicket);
  r.add(
    'DELETE',
    '/api/v2/tickets/:id',
    (ctx) => {
      const id = idParam(ctx, 'id');
      liveTicket(ctx, id);
      ctx.state.softDeleteTicket(id, ctx.caller.userId);
      return new Reply(204, undefined);
    },
    { adminOnly: true },
  );

  const people = (key: 'email_cc_ids' | 'follower_ids' | 'collaborator_ids', wrapper: string) => (ctx: Ctx) => {
    const v = liveTicket(ctx, idParam(ctx, 'id'));
    const users = v.rec[key]
      .map((id) => ctx.state.userView(id))
      .filter((u) => !!u && u.status !== 'purged')
      .map((u) => userJson(u!.rec, ctx.base));
    return { [wrapper]: users };
  };
  r.add('GET', '/api/v2/tickets/:id/email_ccs', people('email_cc_ids', 'users'));
  r.add('GET', '/api/v2/tickets/:id/followers', people('follower_ids', 'users'));
  r.add('GET', '/api/v2/tickets/:id/collaborators', people('collaborator_ids', 'users'));

  r.add('GET', '/api/v2/tickets/:id/comments', (ctx) => {
    const id = idParam(ctx, 'id');
    liveTicket(ctx, id);
    const inline = ctx.query.get('include_inline_images') === 'true';
    // Voice comments (Talk) follow the ticket's own comments: see talk.ts for why they are listed
    // here but not in the ticket events export.
    let comments = [
      ...ctx.state.ticketComments(id).map((c) => commentJson(c, ctx.base, ctx.state.ds.seed, inline)),
      ...voiceCommentsOn(ctx.state, id, ctx.base),
    ];
    if (ctx.query.get('sort_order') === 'desc' || ctx.query.get('sort') === '-created_at') comments = [...comments].reverse();
    return paginate(ctx, comments, 'comments');
  });
  r.add('GET', '/api/v2/tickets/:id/comments/count', (ctx) => {
    const id = idParam(ctx, 'id');
    liveTicket(ctx, id);
    return { count: { value: ctx.state.ticketComments(id).length, refreshed_at: iso(ctx.state.now()) } };
  });

  // Legacy string redaction: refused on closed (and therefore archived) tickets.
  r.add('PUT', '/api/v2/tickets/:id/comments/:cid/redact', (ctx) => {
    const id = idParam(ctx, 'id');
    const v = liveTicket(ctx, id);
    const cid = idParam(ctx, 'cid');
    commentOf(ctx, id, cid);
    const body = ctx.body as Record<string, unknown> | null;
    const text = body && typeof body === 'object' ? body.text : undefined;
    if (typeof text !== 'string' || text === '') throw badRequest('text is required', 'InvalidParameter');
    if (v.rec.status === 'closed') throw closedError('redaction');
    const c = ctx.state.mutableComment(cid);
    if (redactStrings(c, [text]) === 0) throw badRequest('The text to redact was not found in the comment', 'InvalidValue');
    ctx.state.redactions.push({ kind: 'comment_legacy', ticketId: id, commentId: cid, atMs: ctx.state.now() });
    ctx.state.touchTicket(id);
    ctx.state.addEvent(id, ctx.caller.userId, [{ field_name: 'comment_redaction', value: cid, previous_value: null }], null);
    return { comment: commentJson(c, ctx.base, ctx.state.ds.seed) };
  });

  // Agent Workspace redaction: works on closed and archived tickets.
  r.add('PUT', '/api/v2/comment_redactions/:cid', (ctx) => {
    const cid = idParam(ctx, 'cid');
    const body = ctx.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') throw badRequest('Request body is required', 'InvalidJSON');
    const ticketId = body.ticket_id;
    if (typeof ticketId !== 'number') throw badRequest('ticket_id is required', 'InvalidParameter');
    liveTicket(ctx, ticketId);
    commentOf(ctx, ticketId, cid);
    const strings: string[] = [];
    if (typeof body.html_body === 'string') {
      for (const m of body.html_body.matchAll(/<redact>([\s\S]*?)<\/redact>/g))
        strings.push(decodeEntities((m[1] ?? '').replace(/<[^>]*>/g, '')));
    }
    const urls = Array.isArray(body.external_attachment_urls)
      ? body.external_attachment_urls.filter((u): u is string => typeof u === 'string')
      : [];
    if (strings.length === 0 && urls.length === 0)
      throw badRequest('Nothing to redact: wrap text in <redact> tags or list external_attachment_urls', 'InvalidParameter');
    const c = ctx.state.mutableComment(cid);
    redactStrings(c, strings);
    for (const url of urls) {
      const a = c.attachments.find(
        (x) => url.includes(`/api/v2/attachments/${x.id}`) || url === attachmentJson(x, ctx.base, ctx.state.ds.seed).content_url,
      );
      if (!a) throw invalid('external_attachment_urls', 'Attachment does not belong to this comment', 'InvalidValue');
      redactAttachmentRecord(ctx, c, a);
    }
    ctx.state.redactions.push({ kind: 'comment_redactions', ticketId, commentId: cid, atMs: ctx.state.now() });
    ctx.state.touchTicket(ticketId);
    ctx.state.addEvent(ticketId, ctx.caller.userId, [{ field_name: 'comment_redaction', value: cid, previous_value: null }], null);
    return { comment: commentJson(c, ctx.base, ctx.state.ds.seed) };
  });

  r.add('PUT', '/api/v2/tickets/:id/comments/:cid/attachments/:aid/redact', (ctx) => {
    const id = idParam(ctx, 'id');
    const v = liveTicket(ctx, id);
    const cid = idParam(ctx, 'cid');
    const aid = idParam(ctx, 'aid');
    const original = commentOf(ctx, id, cid);
    if (!original.attachments.some((a) => a.id === aid)) throw notFound();
    if (v.rec.status === 'closed') throw closedError('attachment redaction');
    const c = ctx.state.mutableComment(cid);
    const a = c.attachments.find((x) => x.id === aid);
    if (!a) throw notFound();
    redactAttachmentRecord(ctx, c, a);
    ctx.state.redactions.push({ kind: 'attachment', ticketId: id, commentId: cid, attachmentId: aid, atMs: ctx.state.now() });
    ctx.state.touchTicket(id);
    ctx.state.addEvent(id, ctx.caller.userId, [{ field_name: 'attachment_redaction', value: aid, previous_value: null }], null);
    return { attachment: attachmentJson(a, ctx.base, ctx.state.ds.seed) };
  });

  r.add('GET', '/api/v2/attachments/:id', (ctx) => {
    const id = idParam(ctx, 'id');
    const found = ctx.state.attachmentContent(id);
    const tid = ctx.state.ticketOfAttachment(id);
    if (!found || tid === undefined || ctx.state.ticketView(tid)?.state !== 'live') throw notFound();
    return { attachment: attachmentJson(found.rec, ctx.base, ctx.state.ds.seed) };
  });

  // ---- deleted tickets (admin) ----
  r.add(
    'GET',
    '/api/v2/deleted_tickets',
    (ctx) => {
      const entries = [...ctx.state.ticketDeleted.entries()].filter(([, d]) => d.purgedAtMs === null);
      const sortBy = ctx.query.get('sort_by') ?? 'id';
      entries.sort(([a, da], [b, db]) => (sortBy === 'deleted_at' ? da.atMs - db.atMs || a - b : a - b));
      if (ctx.query.get('sort_order') === 'desc') entries.reverse();
      const list = entries.map(([id, d]) => {
        const v = ctx.state.ticketView(id);
        const actor = ctx.state.userView(d.by);
        return {
          id,
          subject: v?.rec.subject ?? null,
          description: v?.rec.description ?? null,
          actor: { id: d.by, name: actor?.rec.name ?? null },
          deleted_at: iso(d.atMs),
          previous_state: d.previous,
          url: `${ctx.base}/api/v2/deleted_tickets/${id}.json`,
        };
      });
      return paginate(ctx, list, 'deleted_tickets');
    },
    { adminOnly: true },
  );
  r.add(
    'PUT',
    '/api/v2/deleted_tickets/restore_many',
    (ctx) => {
      for (const id of idList(ctx)) ctx.state.restoreTicket(id);
      return new Reply(200, undefined);
    },
    { adminOnly: true },
  );
  r.add(
    'PUT',
    '/api/v2/deleted_tickets/:id/restore',
    (ctx) => {
      if (!ctx.state.restoreTicket(idParam(ctx, 'id'))) throw notFound();
      return new Reply(200, undefined);
    },
    { adminOnly: true },
  );
  const purgeJob = (ctx: Ctx, ids: number[]) => {
    const state = ctx.state;
    const job = state.createJob(
      'bulk_delete_tickets_permanently',
      ids,
      (id) =>
        state.purgeTicket(id)
          ? { id, action: 'destroy', success: true, status: 'Deleted' }
          : { id, action: 'destroy', success: false, error: 'TicketNotFound', details: 'Ticket is not soft-deleted or does not exist' },
      injector(ctx),
    );
    scheduleJob(ctx, job);
    return { job_status: jobJson(job, ctx.base) };
  };
  r.add('DELETE', '/api/v2/deleted_tickets/destroy_many', (ctx) => purgeJob(ctx, idList(ctx)), { adminOnly: true });
  r.add(
    'DELETE',
    '/api/v2/deleted_tickets/:id',
    (ctx) => {
      const id = idParam(ctx, 'id');
      const d = ctx.state.ticketDeleted.get(id);
      if (!d || d.purgedAtMs !== null) throw notFound();
      return purgeJob(ctx, [id]);
    },
    { adminOnly: true },
  );

  // ---- organizations ----
  const orgList = (ctx: Ctx) =>
    [...ctx.state.allOrgIds()]
      .map((id) => ctx.state.orgView(id))
      .filter((o) => !!o)
      .map((o) => orgJson(o!, ctx.base));
  r.add('GET', '/api/v2/organizations', (ctx) => paginate(ctx, orgList(ctx), 'organizations'));
  r.add('GET', '/api/v2/organizations/show_many', (ctx) => ({
    organizations: idList(ctx)
      .map((id) => ctx.state.orgView(id))
      .filter((o) => !!o)
      .map((o) => orgJson(o!, ctx.base)),
  }));
  r.add('GET', '/api/v2/organizations/:id', (ctx) => {
    const o = ctx.state.orgView(idParam(ctx, 'id'));
    if (!o) throw notFound();
    return { organization: orgJson(o, ctx.base) };
  });
  // Only what Lethe changes (custom field values, notes, details); a null value clears a field.
  r.add(
    'PUT',
    '/api/v2/organizations/:id',
    (ctx) => {
      const id = idParam(ctx, 'id');
      if (!ctx.state.orgView(id)) throw notFound();
      const patch = bodyObject(ctx, 'organization');
      const fields = patch.organization_fields;
      if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields)))
        throw invalid('organization_fields', 'organization_fields must be an object', 'InvalidValue');
      for (const [k, v] of Object.entries((fields ?? {}) as Record<string, unknown>))
        if (v !== null && typeof v !== 'string') throw invalid(k, `${k} must be a string or null`, 'InvalidValue');
      for (const f of ['notes', 'details'] as const)
        if (f in patch && patch[f] !== null && typeof patch[f] !== 'string') throw invalid(f, `${f} must be a string`, 'InvalidValue');
      const rec = ctx.state.touchOrg(id)!;
      if (fields) rec.organization_fields = { ...rec.organization_fields, ...(fields as Record<string, string | null>) };
      for (const f of ['notes', 'details'] as const) if (f in patch) rec[f] = patch[f] as string | null;
      return { organization: orgJson(rec, ctx.base) };
    },
    { adminOnly: true },
  );
  const orgMembers = (ctx: Ctx, orgId: number) => {
    const out = [];
    for (const uid of ctx.state.allUserIds()) for (const m of ctx.state.memberships(uid)) if (m.organization_id === orgId) out.push(m);
    return out;
  };
  r.add('GET', '/api/v2/organizations/:id/organization_memberships', (ctx) => {
    const id = idParam(ctx, 'id');
    if (!ctx.state.orgView(id)) throw notFound();
    return paginate(
      ctx,
      orgMembers(ctx, id).map((m) => membershipJson(m, ctx.base)),
      'organization_memberships',
    );
  });
  r.add('GET', '/api/v2/organizations/:id/users', (ctx) => {
    const id = idParam(ctx, 'id');
    if (!ctx.state.orgView(id)) throw notFound();
    const users = orgMembers(ctx, id)
      .map((m) => ctx.state.userView(m.user_id))
      .filter((v) => v?.status === 'active')
      .map((v) => userJson(v!.rec, ctx.base));
    return paginate(ctx, users, 'users');
  });
  const membership = (ctx: Ctx, id: number, userId?: number) => {
    const rel = id - ID.membership;
    const ui = Math.floor(rel / 4);
    if (!Number.isInteger(rel) || rel < 0 || ui >= ctx.state.ds.userCount) throw notFound();
    const uid = ctx.state.ds.userId(ui);
    if (userId !== undefined && userId !== uid) throw notFound();
    const m = ctx.state.memberships(uid).find((x) => x.id === id);
    if (!m) throw notFound();
    return m;
  };
  const removeMembership = (ctx: Ctx, userId?: number) => {
    const m = membership(ctx, idParam(ctx, 'id'), userId);
    ctx.state.removedMemberships.add(m.id);
    const rec = ctx.state.touchUser(m.user_id);
    // Zendesk moves the default organization to a remaining membership, or clears it.
    if (rec.organization_id === m.organization_id) rec.organization_id = ctx.state.memberships(m.user_id)[0]?.organization_id ?? null;
    return new Reply(204, undefined);
  };
  r.add('GET', '/api/v2/organization_memberships/:id', (ctx) => ({
    organization_membership: membershipJson(membership(ctx, idParam(ctx, 'id')), ctx.base),
  }));
  r.add('DELETE', '/api/v2/organization_memberships/:id', (ctx) => removeMembership(ctx));
  r.add('DELETE', '/api/v2/users/:uid/organization_memberships/:id', (ctx) => removeMembership(ctx, idParam(ctx, 'uid')));
  r.add('GET', '/api/v2/organization_memberships', (ctx) => {
    const all = [];
    for (const uid of ctx.state.allUserIds()) all.push(...ctx.state.memberships(uid));
    return paginate(
      ctx,
      all.map((m) => membershipJson(m, ctx.base)),
      'organization_memberships',
    );
  });
}

/** Attachment download by token (outside /api/v2, like Zendesk's content_url). */
export function attachmentDownload(ctx: Ctx, token: string): { bytes: Buffer; contentType: string; fileName: string } {
  const id = parseAttachmentToken(ctx.state.ds.seed, token);
  if (id === undefined) throw notFound();
  const tid = ctx.state.ticketOfAttachment(id);
  const found = ctx.state.attachmentContent(id);
  if (!found || tid === undefined || ctx.state.ticketView(tid)?.state === 'purged') throw notFound();
  return { bytes: found.bytes, contentType: found.rec.content_type, fileName: found.rec.file_name };
}
