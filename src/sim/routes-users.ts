// Longer than ~400 lines on purpose: one Zendesk resource family (users, identities, sessions,
// memberships) per routes file, as Zendesk's API reference groups them, so each route sits beside its
// siblings.
import { HttpError, Router, badRequest, bodyObject, idList, idParam, invalid, notFound, paginate, type Ctx } from './http';
import { Reply, injector, jobJson, scheduleJob } from './jobs';
import { identityJson, membershipJson, orgJson, ticketJson, userJson } from './serialize';
import { identityKey, type UserView } from './state';
import type { IdentityRecord } from './types';
import { isoSeconds as iso } from './dataset';
import { complianceRows } from './compliance';

/** Users, identities, sessions, memberships, deleted users. */

function liveUser(ctx: Ctx, id: number, allowDeleted = false): UserView {
  const v = ctx.state.userView(id);
  if (!v || v.status === 'purged' || (!allowDeleted && v.status === 'deleted')) throw notFound();
  return v;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function deletedUserJson(ctx: Ctx, v: UserView): Record<string, unknown> {
  const r = v.rec;
  return {
    id: r.id,
    url: `${ctx.base}/api/v2/deleted_users/${r.id}.json`,
    name: r.name,
    email: r.email,
    created_at: r.created_at,
    updated_at: r.updated_at,
    time_zone: r.time_zone,
    phone: r.phone,
    shared_phone_number: r.shared_phone_number,
    photo: null,
    locale_id: r.locale_id,
    locale: r.locale,
    organization_id: r.organization_id,
    role: r.role,
    active: false,
  };
}

export function userMatchesText(v: UserView, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (!t) return false;
  const r = v.rec;
  if (r.name.toLowerCase().includes(t)) return true;
  if (r.external_id && r.external_id.trim().toLowerCase() === t) return true;
  if (r.notes?.toLowerCase().includes(t)) return true;
  const key = identityKey(t);
  if (key && r.identities.some((i) => identityKey(i.value) === key)) return true;
  if (t.includes('@') && r.identities.some((i) => i.type === 'email' && i.value.toLowerCase().includes(t))) return true;
  const digits = t.replace(/\D/g, '');
  if (digits.length >= 6 && r.phone && r.phone.replace(/\D/g, '').includes(digits)) return true;
  return false;
}

/** Resolves a user search the cheap way (identity index) when it can, else by scanning. */
export function searchUsers(ctx: Ctx, predicate: (v: UserView) => boolean, hint?: string): UserView[] {
  const state = ctx.state;
  const out: UserView[] = [];
  const key = hint ? identityKey(hint) : null;
  const ids = key ? state.usersWithIdentity(hint ?? '') : state.allUserIds();
  for (const id of ids) {
    const v = state.userView(id);
    if (v && v.status === 'active' && predicate(v)) out.push(v);
  }
  if (key && out.length === 0) {
    // The profile phone field can differ from identities (extensions, punctuation): fall back to a scan.
    for (const id of state.allUserIds()) {
      const v = state.userView(id);
      if (v && v.status === 'active' && predicate(v)) out.push(v);
    }
  }
  return out;
}

function addIdentity(ctx: Ctx, userId: number, type: IdentityRecord['type'], value: string, primary: boolean): IdentityRecord {
  const state = ctx.state;
  if (type === 'email') {
    if (!EMAIL_RE.test(value)) throw invalid('value', `Value: ${value} is not properly formatted`, 'InvalidFormat');
    const taken = state.usersWithIdentity(value).filter((u) => u !== userId);
    if (taken.length) throw invalid('value', `Value: ${value} is already being used by another user`, 'DuplicateValue');
  } else if (value.replace(/\D/g, '').length < 6) throw invalid('value', `Value: ${value} is not a valid phone number`, 'InvalidFormat');
  const rec = state.touchUser(userId);
  const existing = rec.identities.find((i) => identityKey(i.value) === identityKey(value));
  if (existing) return existing;
  const now = iso(state.now());
  const identity: IdentityRecord = {
    id: state.newIdentityId(),
    user_id: userId,
    type,
    value,
    primary: primary || !rec.identities.some((i) => i.type === type),
    verified: false,
    verification_method: 'none',
    created_at: now,
    updated_at: now,
    deliverable_state: 'deliverable',
    undeliverable_count: 0,
  };
  rec.identities.push(identity);
  if (type === 'email' && identity.primary) rec.email = value;
  return identity;
}

const STRING_FIELDS = ['name', 'alias', 'details', 'notes', 'signature', 'locale', 'time_zone', 'external_id'] as const;

function updateUser(ctx: Ctx): unknown {
  const id = idParam(ctx, 'id');
  liveUser(ctx, id);
  const patch = bodyObject(ctx, 'user');
  const state = ctx.state;
  if ('email' in patch && typeof patch.email === 'string') addIdentity(ctx, id, 'email', patch.email.trim(), false);
  const rec = state.touchUser(id);
  for (const f of STRING_FIELDS) {
    if (!(f in patch)) continue;
    const val = patch[f];
    if (val !== null && typeof val !== 'string') throw invalid(f, `${f} must be a string`, 'InvalidValue');
    if (f === 'name' && (!val || !val.trim())) throw invalid('name', 'Name: cannot be blank', 'BlankValue');
    rec[f] = val as never;
  }
  if ('phone' in patch) {
    if (patch.phone !== null && typeof patch.phone !== 'string') throw invalid('phone', 'phone must be a string', 'InvalidValue');
    rec.phone = patch.phone === '' ? null : (patch.phone as string | null);
  }
  if ('suspended' in patch) {
    if (typeof patch.suspended !== 'boolean') throw invalid('suspended', 'suspended must be true or false', 'InvalidValue');
    rec.suspended = patch.suspended;
  }
  if ('tags' in patch) {
    if (!Array.isArray(patch.tags) || patch.tags.some((t) => typeof t !== 'string'))
      throw invalid('tags', 'tags must be a list of strings', 'InvalidValue');
    rec.tags = patch.tags as string[];
  }
  if ('organization_id' in patch) {
    const org = patch.organization_id;
    if (org !== null && (typeof org !== 'number' || !state.orgView(org)))
      throw invalid('organization_id', 'Organization does not exist', 'InvalidValue');
    rec.organization_id = org as number | null;
  }
  if ('user_fields' in patch && patch.user_fields && typeof patch.user_fields === 'object') {
    rec.user_fields = { ...rec.user_fields, ...(patch.user_fields as Record<string, string | null>) };
  }
  return { user: userJson(rec, ctx.base) };
}

function deleteUserError(tickets: number[]): HttpError {
  return invalid(
    'base',
    `Cannot delete a user who is the requester of ${tickets.length} ticket(s) that are not closed (e.g. #${tickets.slice(0, 5).join(', #')})`,
    'UserIsRequesterOfOpenTickets',
  );
}

/** ?include=identities,organizations adds top-level arrays, as Zendesk's side-loading does. */
export function withUserSideloads(ctx: Ctx, out: Record<string, unknown>, userIds: number[]): Record<string, unknown> {
  const include = (ctx.query.get('include') ?? '').split(',').map((s) => s.trim());
  if (include.includes('identities')) {
    out.identities = userIds.flatMap((id) => ctx.state.userView(id)?.rec.identities ?? []).map((i) => identityJson(i, ctx.base));
  }
  if (include.includes('organizations')) {
    const orgIds = new Set(userIds.flatMap((id) => ctx.state.memberships(id).map((m) => m.organization_id)));
    out.organizations = [...orgIds]
      .map((id) => ctx.state.orgView(id))
      .filter((o) => !!o)
      .map((o) => orgJson(o!, ctx.base));
  }
  return out;
}

export function registerUserRoutes(r: Router): void {
  r.add('GET', '/api/v2/users/me', (ctx) =>
    withUserSideloads(ctx, { user: userJson(liveUser(ctx, ctx.caller.userId).rec, ctx.base) }, [ctx.caller.userId]),
  );

  r.add('GET', '/api/v2/users/show_many', (ctx) => {
    const includeDeleted = ctx.query.get('include_deleted') === 'true';
    const users = idList(ctx)
      .map((id) => ctx.state.userView(id))
      .filter((v): v is UserView => !!v && v.status !== 'purged' && (includeDeleted || v.status === 'active'))
      .map((v) => userJson(v.rec, ctx.base));
    return withUserSideloads(
      ctx,
      { users, next_page: null, previous_page: null, count: users.length },
      users.map((u) => u.id as number),
    );
  });

  r.add('GET', '/api/v2/users/search', (ctx) => {
    const externalId = ctx.query.get('external_id');
    const query = ctx.query.get('query');
    let found: UserView[];
    if (externalId !== null) found = searchUsers(ctx, (v) => v.rec.external_id === externalId);
    else if (query !== null && query.trim() !== '') {
      const q = query
        .trim()
        .replace(/^(email|phone|name):/i, '')
        .replace(/^"|"$/g, '');
      found = searchUsers(ctx, (v) => userMatchesText(v, q), q);
    } else throw badRequest('query or external_id is required', 'InvalidParameter');
    const page = paginate(
      ctx,
      found.map((v) => userJson(v.rec, ctx.base)),
      'users',
      { cbp: false },
    );
    return withUserSideloads(
      ctx,
      page,
      (page.users as { id: number }[]).map((u) => u.id),
    );
  });

  r.add(
    'DELETE',
    '/api/v2/users/destroy_many',
    (ctx) => {
      const ids = idList(ctx);
      const state = ctx.state;
      const job = state.createJob(
        'bulk_delete_users',
        ids,
        (id) => {
          const res = state.softDeleteUser(id);
          if (res.ok) return { id, action: 'delete', success: true, status: 'Deleted' };
          if (res.code === 'open_tickets')
            return {
              id,
              action: 'delete',
              success: false,
              error: 'UserIsRequesterOfOpenTickets',
              details: `Requester of ${res.tickets?.length ?? 0} ticket(s) that are not closed`,
            };
          return { id, action: 'delete', success: false, error: 'UserNotFound', details: 'User not found' };
        },
        injector(ctx),
      );
      scheduleJob(ctx, job);
      return { job_status: jobJson(job, ctx.base) };
    },
    { adminOnly: true },
  );

  r.add('GET', '/api/v2/users/:id', (ctx) => {
    const v = liveUser(ctx, idParam(ctx, 'id'), true);
    return withUserSideloads(ctx, { user: userJson(v.rec, ctx.base) }, [v.rec.id]);
  });
  r.add('PUT', '/api/v2/users/:id', updateUser);
  r.add(
    'DELETE',
    '/api/v2/users/:id',
    (ctx) => {
      const id = idParam(ctx, 'id');
      liveUser(ctx, id);
      if (id === ctx.caller.userId) throw invalid('base', 'You cannot delete yourself', 'CannotDeleteSelf');
      const res = ctx.state.softDeleteUser(id);
      if (!res.ok) throw res.code === 'open_tickets' ? deleteUserError(res.tickets ?? []) : notFound();
      return { user: userJson(res.rec, ctx.base) };
    },
    { adminOnly: true },
  );

  r.add('GET', '/api/v2/users/:id/compliance_deletion_statuses', (ctx) => {
    const id = idParam(ctx, 'id');
    const v = ctx.state.userView(id);
    if (!v) throw notFound();
    const del = ctx.state.userDeleted.get(id);
    const application = ctx.query.get('application');
    const rows =
      del?.purgedAtMs != null
        ? complianceRows(id, del.purgedAtMs, del.purgedBy ?? null, ctx.state.now()).filter(
            (row) => !application || row.application === application || row.application === 'all',
          )
        : [];
    return paginate(ctx, rows, 'compliance_deletion_statuses');
  });

  r.add('GET', '/api/v2/users/:id/identities', (ctx) => {
    const v = liveUser(ctx, idParam(ctx, 'id'), true);
    const types = ctx.query.getAll('type[]');
    const list = v.rec.identities.filter((i) => types.length === 0 || types.includes(i.type)).map((i) => identityJson(i, ctx.base));
    return paginate(ctx, list, 'identities');
  });
  r.add('POST', '/api/v2/users/:id/identities', (ctx) => {
    const id = idParam(ctx, 'id');
    liveUser(ctx, id);
    const body = bodyObject(ctx, 'identity');
    const type = body.type;
    const value = body.value;
    if (type !== 'email' && type !== 'phone_number')
      throw invalid('type', 'Type: must be email or phone_number in this simulator', 'InvalidValue');
    if (typeof value !== 'string' || !value.trim()) throw invalid('value', 'Value: cannot be blank', 'BlankValue');
    const identity = addIdentity(ctx, id, type, value.trim(), false);
    return new Reply(201, { identity: identityJson(identity, ctx.base) });
  });
  r.add('GET', '/api/v2/users/:id/identities/:iid', (ctx) => {
    const v = liveUser(ctx, idParam(ctx, 'id'), true);
    const identity = v.rec.identities.find((i) => i.id === idParam(ctx, 'iid'));
    if (!identity) throw notFound();
    return { identity: identityJson(identity, ctx.base) };
  });
  r.add('PUT', '/api/v2/users/:id/identities/:iid/make_primary', (ctx) => {
    const id = idParam(ctx, 'id');
    liveUser(ctx, id);
    const iid = idParam(ctx, 'iid');
    const rec = ctx.state.users.get(id) ?? ctx.state.userView(id)?.rec;
    const target = rec?.identities.find((i) => i.id === iid);
    if (!target) throw notFound();
    const m = ctx.state.touchUser(id);
    for (const i of m.identities) if (i.type === target.type) i.primary = i.id === iid;
    if (target.type === 'email') m.email = target.value;
    return { identities: m.identities.map((i) => identityJson(i, ctx.base)) };
  });
  r.add('DELETE', '/api/v2/users/:id/identities/:iid', (ctx) => {
    const id = idParam(ctx, 'id');
    const v = liveUser(ctx, id);
    const iid = idParam(ctx, 'iid');
    const target = v.rec.identities.find((i) => i.id === iid);
    if (!target) throw notFound();
    if (target.primary && target.type === 'email' && v.rec.identities.length > 1) {
      throw invalid('base', 'Cannot delete the primary identity; make another identity primary first', 'PrimaryIdentity');
    }
    const m = ctx.state.touchUser(id);
    m.identities = m.identities.filter((i) => i.id !== iid);
    // Like Zendesk: removing the primary email clears user.email, but removing a phone identity leaves user.phone.
    if (target.type === 'email' && target.primary) m.email = null;
    return new Reply(204, undefined);
  });

  r.add('GET', '/api/v2/users/:id/sessions', (ctx) => {
    liveUser(ctx, idParam(ctx, 'id'), true);
    return { sessions: [], next_page: null, previous_page: null, count: 0 };
  });
  r.add('DELETE', '/api/v2/users/:id/sessions', (ctx) => {
    const id = idParam(ctx, 'id');
    liveUser(ctx, id, true);
    ctx.state.sessionsRevoked.set(id, (ctx.state.sessionsRevoked.get(id) ?? 0) + 1);
    return new Reply(204, undefined);
  });

  r.add('GET', '/api/v2/users/:id/organization_memberships', (ctx) => {
    const id = idParam(ctx, 'id');
    liveUser(ctx, id, true);
    return paginate(
      ctx,
      ctx.state.memberships(id).map((m) => membershipJson(m, ctx.base)),
      'organization_memberships',
    );
  });

  const userTickets = (pick: (t: ReturnType<Ctx['state']['ticketPeople']>, id: number) => boolean) => (ctx: Ctx) => {
    const id = idParam(ctx, 'id');
    liveUser(ctx, id, true);
    const excludeArchived = ctx.query.get('exclude_archived') === 'true';
    const ids: number[] = [];
    ctx.state.forEachTicketPeople((t) => {
      if (t.state === 'live' && pick(t, id) && !(excludeArchived && t.archived)) ids.push(t.id);
    });
    if (ctx.query.get('sort_order') === 'desc') ids.reverse();
    const page = paginate(ctx, ids, 'tickets');
    page.tickets = (page.tickets as number[]).map((tid) => {
      const v = ctx.state.ticketView(tid);
      if (!v) throw notFound();
      return ticketJson(v, ctx.base);
    });
    return page;
  };
  r.add(
    'GET',
    '/api/v2/users/:id/tickets/requested',
    userTickets((t, id) => t.requesterId === id),
  );
  r.add(
    'GET',
    '/api/v2/users/:id/tickets/ccd',
    userTickets((t, id) => t.ccIds.includes(id)),
  );
  r.add(
    'GET',
    '/api/v2/users/:id/tickets/assigned',
    userTickets((t, id) => t.assigneeId === id),
  );
  r.add(
    'GET',
    '/api/v2/users/:id/tickets/followed',
    userTickets((t, id) => t.followerIds.includes(id)),
  );

  r.add('GET', '/api/v2/users/:id/related', (ctx) => {
    const id = idParam(ctx, 'id');
    liveUser(ctx, id, true);
    let requested = 0;
    let ccd = 0;
    let assigned = 0;
    ctx.state.forEachTicketPeople((t) => {
      if (t.state !== 'live') return;
      if (t.requesterId === id) requested++;
      if (t.ccIds.includes(id)) ccd++;
      if (t.assigneeId === id) assigned++;
    });
    return {
      user_related: {
        requested_tickets: requested,
        ccd_tickets: ccd,
        assigned_tickets: assigned,
        organization_subscriptions: 0,
        topics: 0,
        topic_comments: 0,
        votes: 0,
        subscriptions: 0,
        entry_subscriptions: 0,
        forum_subscriptions: 0,
      },
    };
  });

  // ---- deleted users (admin) ----
  r.add(
    'GET',
    '/api/v2/deleted_users/count',
    (ctx) => ({ count: { value: ctx.state.userDeleted.size, refreshed_at: iso(ctx.state.now()) } }),
    { adminOnly: true },
  );
  r.add(
    'GET',
    '/api/v2/deleted_users',
    (ctx) => {
      const ids = [...ctx.state.userDeleted.keys()].sort((a, b) => a - b);
      const list = ids
        .map((id) => ctx.state.userView(id))
        .filter((v): v is UserView => !!v)
        .map((v) => deletedUserJson(ctx, v));
      return paginate(ctx, list, 'deleted_users');
    },
    { adminOnly: true },
  );
  r.add(
    'GET',
    '/api/v2/deleted_users/:id',
    (ctx) => {
      const v = ctx.state.userView(idParam(ctx, 'id'));
      if (!v || v.status !== 'deleted') throw notFound();
      return { deleted_user: deletedUserJson(ctx, v) };
    },
    { adminOnly: true },
  );
  r.add(
    'DELETE',
    '/api/v2/deleted_users/:id',
    (ctx) => {
      const id = idParam(ctx, 'id');
      const v = ctx.state.userView(id);
      if (!v || v.status !== 'deleted') throw notFound();
      ctx.state.purgeUser(id, ctx.caller.userId);
      const after = ctx.state.userView(id);
      if (!after) throw notFound();
      return { deleted_user: deletedUserJson(ctx, after) };
    },
    { adminOnly: true },
  );
}
