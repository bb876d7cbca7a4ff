import { HttpError, Router, badRequest, pageUrl, type Ctx } from './http';
import { orgJson, ticketJson, userJson } from './serialize';
import { identityKey, type TicketPeople } from './state';
import { userMatchesText } from './routes-users';
import type { TicketStatus } from './types';

/**
 * A practical subset of Zendesk search syntax: type:, requester:, submitter:, assignee:, cc:,
 * commenter:, organization:, status (with < > <= >=), tags:, email:, phone:, name:, role:,
 * created</>, and free text. Results are found by scanning current state (no index lag).
 */

interface Term {
  key: string | null;
  op: ':' | '<' | '>' | '<=' | '>=';
  value: string;
  negate: boolean;
}

export function parseQuery(q: string): Term[] {
  const terms: Term[] = [];
  const re = /(-?)(?:(\w+)(:|<=|>=|<|>))?("([^"]*)"|\S+)/g;
  for (const m of q.matchAll(re)) {
    const raw = m[5] ?? m[4] ?? '';
    terms.push({
      key: m[2]?.toLowerCase() ?? null,
      op: (m[3] as Term['op']) ?? ':',
      value: raw.replace(/^"|"$/g, ''),
      negate: m[1] === '-',
    });
  }
  return terms;
}

const ORDER: (TicketStatus | 'deleted')[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

function resolveUsers(ctx: Ctx, value: string): Set<number> {
  if (value === 'me') return new Set([ctx.caller.userId]);
  if (/^\d+$/.test(value) && ctx.state.userView(Number(value))) return new Set([Number(value)]);
  const key = identityKey(value);
  if (key) return new Set(ctx.state.usersWithIdentity(value));
  const out = new Set<number>();
  for (const id of ctx.state.allUserIds()) {
    const v = ctx.state.userView(id);
    if (v && v.status === 'active' && v.rec.name.toLowerCase().includes(value.toLowerCase())) out.add(id);
  }
  return out;
}

function compare(a: number, op: Term['op'], b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    default:
      return a === b;
  }
}

function ticketResults(ctx: Ctx, terms: Term[]): number[] {
  const state = ctx.state;
  const userSets = new Map<Term, Set<number>>();
  for (const t of terms)
    if (t.key && ['requester', 'submitter', 'assignee', 'cc', 'commenter', 'follower'].includes(t.key))
      userSets.set(t, resolveUsers(ctx, t.value));
  const out: number[] = [];
  const test = (t: Term, p: TicketPeople): boolean => {
    const users = userSets.get(t);
    switch (t.key) {
      case 'type':
        return true;
      case 'requester':
        return !!users?.has(p.requesterId);
      case 'submitter':
        return !!users?.has(p.submitterId);
      case 'assignee':
        return t.value === 'none' ? p.assigneeId === null : p.assigneeId !== null && !!users?.has(p.assigneeId);
      case 'cc':
        return p.ccIds.some((u) => users?.has(u));
      case 'follower':
        return p.followerIds.some((u) => users?.has(u));
      case 'commenter':
        return !!users && state.hasCommentBy(p.id, users);
      case 'organization':
        return p.organizationId !== null && String(p.organizationId) === t.value;
      case 'status': {
        const want = ORDER.indexOf(t.value as TicketStatus);
        return want >= 0 && compare(ORDER.indexOf(p.status), t.op, want);
      }
      case 'tags':
      case 'tag': {
        const v = state.ticketView(p.id);
        return !!v && v.rec.tags.includes(t.value);
      }
      case 'created': {
        const d = Date.parse(t.value);
        return !Number.isNaN(d) && compare(p.createdMs, t.op === ':' ? '>=' : t.op, d);
      }
      case null: {
        const v = state.ticketView(p.id);
        const needle = t.value.toLowerCase();
        if (!v) return false;
        if ((v.rec.subject ?? '').toLowerCase().includes(needle) || v.rec.description.toLowerCase().includes(needle)) return true;
        return /^\d+$/.test(t.value) && p.id === Number(t.value);
      }
      default:
        return false;
    }
  };
  state.forEachTicketPeople((p) => {
    if (p.state !== 'live') return;
    if (terms.every((t) => test(t, p) !== t.negate)) out.push(p.id);
  });
  return out;
}

function userResults(ctx: Ctx, terms: Term[]): number[] {
  const out: number[] = [];
  for (const id of ctx.state.allUserIds()) {
    const v = ctx.state.userView(id);
    if (!v || v.status !== 'active') continue;
    const ok = terms.every((t) => {
      let hit: boolean;
      switch (t.key) {
        case 'type':
          hit = true;
          break;
        case 'email':
        case 'phone':
        case null:
          hit = userMatchesText(v, t.value);
          break;
        case 'name':
          hit = v.rec.name.toLowerCase().includes(t.value.toLowerCase());
          break;
        case 'role':
          hit = v.rec.role === t.value;
          break;
        case 'external_id':
          hit = v.rec.external_id === t.value;
          break;
        case 'organization':
          hit = String(v.rec.organization_id) === t.value;
          break;
        default:
          hit = false;
      }
      return hit !== t.negate;
    });
    if (ok) out.push(id);
  }
  return out;
}

function orgResults(ctx: Ctx, terms: Term[]): number[] {
  const out: number[] = [];
  for (const id of ctx.state.allOrgIds()) {
    const o = ctx.state.orgView(id);
    if (!o) continue;
    const ok = terms.every((t) => {
      const hit =
        t.key === 'type'
          ? true
          : t.key === 'external_id'
            ? o.external_id === t.value
            : t.key === 'name' || t.key === null
              ? o.name.toLowerCase().includes(t.value.toLowerCase())
              : false;
      return hit !== t.negate;
    });
    if (ok) out.push(id);
  }
  return out;
}

type Kind = 'ticket' | 'user' | 'organization';

function run(ctx: Ctx, query: string, forcedType: Kind | null): { kind: Kind; id: number }[] {
  const terms = parseQuery(query);
  const typeTerm = terms.find((t) => t.key === 'type');
  const type = forcedType ?? (typeTerm?.value as Kind | undefined) ?? null;
  const rest = terms.filter((t) => t.key !== 'type');
  const out: { kind: Kind; id: number }[] = [];
  if (type === null || type === 'ticket') for (const id of ticketResults(ctx, rest)) out.push({ kind: 'ticket', id });
  if (type === null || type === 'user') for (const id of userResults(ctx, rest)) out.push({ kind: 'user', id });
  if (type === null || type === 'organization') for (const id of orgResults(ctx, rest)) out.push({ kind: 'organization', id });
  return out;
}

function render(ctx: Ctx, r: { kind: Kind; id: number }): Record<string, unknown> | null {
  if (r.kind === 'ticket') {
    const v = ctx.state.ticketView(r.id);
    return v ? { ...ticketJson(v, ctx.base), result_type: 'ticket' } : null;
  }
  if (r.kind === 'user') {
    const v = ctx.state.userView(r.id);
    return v ? { ...userJson(v.rec, ctx.base), result_type: 'user' } : null;
  }
  const o = ctx.state.orgView(r.id);
  return o ? { ...orgJson(o, ctx.base), result_type: 'organization' } : null;
}

const encode = (n: number): string => Buffer.from(`s:${n}`).toString('base64url');
const decode = (s: string): number => {
  const m = /^s:(\d+)$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) throw badRequest('Invalid cursor', 'InvalidCursor');
  return Number(m[1]);
};

export function registerSearchRoutes(r: Router): void {
  r.add('GET', '/api/v2/search', (ctx) => {
    const query = ctx.query.get('query');
    if (!query) throw badRequest('query is required', 'InvalidParameter');
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 100) || 100));
    const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
    const start = (page - 1) * perPage;
    if (start + perPage > 1000 && start >= 1000) {
      throw new HttpError(422, {
        error: 'invalid',
        description: 'Insufficient Resource: search is limited to 1,000 results; use /api/v2/search/export',
      });
    }
    const all = run(ctx, query, null);
    if (ctx.query.get('sort_order') === 'desc') all.reverse();
    const visible = Math.min(all.length, 1000);
    const slice = all.slice(start, Math.min(start + perPage, visible));
    const more = start + perPage < visible;
    return {
      results: slice.map((x) => render(ctx, x)).filter(Boolean),
      count: all.length,
      next_page: more ? pageUrl(ctx, { page: String(page + 1), per_page: String(perPage) }) : null,
      previous_page: page > 1 ? pageUrl(ctx, { page: String(page - 1), per_page: String(perPage) }) : null,
      facets: null,
    };
  });
  r.add('GET', '/api/v2/search/count', (ctx) => {
    const query = ctx.query.get('query');
    if (!query) throw badRequest('query is required', 'InvalidParameter');
    return { count: run(ctx, query, null).length };
  });
  r.add('GET', '/api/v2/search/export', (ctx) => {
    const query = ctx.query.get('query');
    const type = ctx.query.get('filter[type]');
    if (!query) throw badRequest('query is required', 'InvalidParameter');
    if (type !== 'ticket' && type !== 'user' && type !== 'organization' && type !== 'group')
      throw badRequest('filter[type] is required: ticket, user, organization or group', 'InvalidParameter');
    if (/(^|\s)type:/.test(query)) throw badRequest('Use filter[type] instead of type: in the query', 'InvalidParameter');
    const size = Math.min(1000, Math.max(1, Number(ctx.query.get('page[size]') ?? 100) || 100));
    const after = ctx.query.get('page[after]');
    const start = after ? decode(after) : 0;
    // Ordered by created_at, which follows id order for generated records.
    const all = type === 'group' ? [] : run(ctx, query, type);
    const slice = all.slice(start, start + size);
    const hasMore = start + size < all.length;
    const cursor = encode(start + slice.length);
    return {
      results: slice.map((x) => render(ctx, x)).filter(Boolean),
      meta: { has_more: hasMore, after_cursor: hasMore ? cursor : null, before_cursor: start > 0 ? encode(start) : null },
      links: { next: hasMore ? pageUrl(ctx, { 'page[after]': cursor }) : null, prev: null },
    };
  });
}
