import { ID } from './dataset';
import { idParam, notFound, paginate, type Ctx, type Router } from './http';
import { orgJson, ticketJson, userJson } from './serialize';
import type { TicketView, UserView } from './state';
import { withUserSideloads } from './routes-users';
import { withTicketSideloads } from './routes-tickets';

/**
 * Zendesk's plain list endpoints, the ones a third-party client calls first (`users.list()`,
 * `tickets.list()`, groups, ticket and user fields), with both pagination styles (`page[size]` →
 * meta/links; `page`/`per_page` → next_page/count) through `paginate`, and side-loads where Zendesk
 * has them. Lethe itself uses the incremental exports; these exist so teams can try their own
 * scripts against the practice helpdesk.
 */

const EPOCH = '2022-01-10T09:00:00Z';

/** Three groups; agents' default_group_id and tickets' group_id point at them (dataset.ts). */
const GROUPS = [
  { name: 'First line support', description: 'Every new ticket lands here.', default: true },
  { name: 'Billing', description: 'Invoices, refunds and payment questions.', default: false },
  { name: 'Privacy and legal', description: 'Data protection requests and legal holds.', default: false },
];

function groupJson(k: number, base: string): Record<string, unknown> {
  const g = GROUPS[k];
  if (!g) throw notFound();
  const id = ID.group + k;
  return {
    id,
    url: `${base}/api/v2/groups/${id}.json`,
    name: g.name,
    description: g.description,
    default: g.default,
    deleted: false,
    is_public: true,
    created_at: EPOCH,
    updated_at: EPOCH,
  };
}

/** The two custom ticket fields every generated ticket carries (dataset.ts `custom_fields`). */
const TICKET_FIELDS = [
  { id: 360_001, type: 'text', title: 'Order number', description: 'The order the ticket is about, if any.' },
  { id: 360_002, type: 'textarea', title: 'Caller notes', description: 'Free text noted by the agent on a call.' },
];

function ticketFieldJson(f: (typeof TICKET_FIELDS)[number], position: number, base: string): Record<string, unknown> {
  return {
    id: f.id,
    url: `${base}/api/v2/ticket_fields/${f.id}.json`,
    type: f.type,
    title: f.title,
    raw_title: f.title,
    description: f.description,
    raw_description: f.description,
    agent_description: null,
    position,
    active: true,
    required: false,
    collapsed_for_agents: false,
    regexp_for_validation: null,
    title_in_portal: f.title,
    raw_title_in_portal: f.title,
    visible_in_portal: false,
    editable_in_portal: false,
    required_in_portal: false,
    agent_can_edit: true,
    tag: null,
    removable: true,
    key: null,
    created_at: EPOCH,
    updated_at: EPOCH,
  };
}

/** The user fields behind `user_fields` in every generated user (dataset.ts `baseUser`). */
const USER_FIELDS = [
  { id: 360_301, key: 'loyalty_tier', type: 'dropdown', title: 'Loyalty tier', description: 'Gold, silver or bronze.' },
  { id: 360_302, key: 'birthday', type: 'date', title: 'Birthday', description: 'Asked for by the loyalty programme.' },
  { id: 360_303, key: 'delivery_address', type: 'textarea', title: 'Delivery address', description: 'Where replacement parts go.' },
  { id: 360_304, key: 'emergency_contact', type: 'text', title: 'Emergency contact', description: 'Name and phone of someone to call.' },
];

/** The organization fields behind `organization_fields` in every generated organization (dataset.ts `baseOrg`). */
const ORGANIZATION_FIELDS = [
  { id: 360_401, key: 'account_manager', type: 'text', title: 'Account manager', description: 'The agent who looks after the account.' },
  { id: 360_402, key: 'billing_contact', type: 'text', title: 'Billing contact', description: 'Who receives the invoices (e-mail).' },
];

function userFieldJson(f: (typeof USER_FIELDS)[number], position: number, base: string): Record<string, unknown> {
  return {
    id: f.id,
    url: `${base}/api/v2/user_fields/${f.id}.json`,
    key: f.key,
    type: f.type,
    title: f.title,
    raw_title: f.title,
    description: f.description,
    raw_description: f.description,
    position,
    active: true,
    system: false,
    regexp_for_validation: null,
    created_at: EPOCH,
    updated_at: EPOCH,
    ...(f.type === 'dropdown'
      ? {
          custom_field_options: ['gold', 'silver', 'bronze'].map((value, n) => ({
            id: f.id * 10 + n,
            name: value[0]!.toUpperCase() + value.slice(1),
            raw_name: value[0]!.toUpperCase() + value.slice(1),
            value,
          })),
        }
      : {}),
  };
}

/** Active users in id order, optionally by role (`role=end-user` or `role[]=agent&role[]=admin`). */
function listUsers(ctx: Ctx): UserView[] {
  const roles = [...ctx.query.getAll('role'), ...ctx.query.getAll('role[]')];
  const out: UserView[] = [];
  for (const id of ctx.state.allUserIds()) {
    const v = ctx.state.userView(id);
    if (!v || v.status !== 'active') continue;
    if (roles.length > 0 && !roles.includes(v.rec.role)) continue;
    out.push(v);
  }
  return out;
}

/** Live tickets in id order (soft-deleted ones are only in deleted_tickets, as in Zendesk). */
function liveTicketIds(ctx: Ctx): number[] {
  const ids: number[] = [];
  for (let i = 0; i < ctx.state.ds.ticketCount; i++) {
    const id = ctx.state.ds.ticketId(i);
    if (!ctx.state.ticketDeleted.has(id)) ids.push(id);
  }
  return ids;
}

/** ?include=users,groups,organizations on ticket lists. */
function withTicketListSideloads(ctx: Ctx, out: Record<string, unknown>, tickets: TicketView[]): Record<string, unknown> {
  // Users as the ticket routes side-load them: everyone the tickets reference.
  withTicketSideloads(ctx, out, tickets);
  const include = (ctx.query.get('include') ?? '').split(',').map((s) => s.trim());
  if (include.includes('groups')) {
    const ks = new Set(tickets.map((t) => (t.rec.group_id === null ? -1 : t.rec.group_id - ID.group)).filter((k) => k >= 0));
    out.groups = [...ks].map((k) => groupJson(k, ctx.base));
  }
  if (include.includes('organizations')) {
    const orgIds = new Set(tickets.map((t) => t.rec.organization_id).filter((id): id is number => id !== null));
    out.organizations = [...orgIds]
      .map((id) => ctx.state.orgView(id))
      .filter((o) => o !== undefined)
      .map((o) => orgJson(o, ctx.base));
  }
  return out;
}

export function registerListRoutes(r: Router): void {
  r.add('GET', '/api/v2/users', (ctx) => {
    const page = paginate(ctx, listUsers(ctx), 'users');
    const users = page.users as UserView[];
    page.users = users.map((v) => userJson(v.rec, ctx.base));
    return withUserSideloads(
      ctx,
      page,
      users.map((v) => v.rec.id),
    );
  });

  r.add('GET', '/api/v2/tickets', (ctx) => {
    // Paginate ids, then build only the page's tickets: a medium dataset holds 100,000.
    const page = paginate(ctx, liveTicketIds(ctx), 'tickets');
    const views = (page.tickets as number[]).map((id) => ctx.state.ticketView(id)).filter((v): v is TicketView => v !== undefined);
    page.tickets = views.map((v) => ticketJson(v, ctx.base));
    return withTicketListSideloads(ctx, page, views);
  });

  r.add('GET', '/api/v2/groups', (ctx) =>
    paginate(
      ctx,
      GROUPS.map((_, k) => groupJson(k, ctx.base)),
      'groups',
    ),
  );
  r.add('GET', '/api/v2/groups/:id', (ctx) => ({ group: groupJson(idParam(ctx, 'id') - ID.group, ctx.base) }));

  r.add('GET', '/api/v2/ticket_fields', (ctx) =>
    paginate(
      ctx,
      TICKET_FIELDS.map((f, n) => ticketFieldJson(f, n + 1, ctx.base)),
      'ticket_fields',
    ),
  );
  r.add('GET', '/api/v2/ticket_fields/:id', (ctx) => {
    const id = idParam(ctx, 'id');
    const n = TICKET_FIELDS.findIndex((f) => f.id === id);
    const f = TICKET_FIELDS[n];
    if (!f) throw notFound();
    return { ticket_field: ticketFieldJson(f, n + 1, ctx.base) };
  });

  r.add('GET', '/api/v2/user_fields', (ctx) =>
    paginate(
      ctx,
      USER_FIELDS.map((f, n) => userFieldJson(f, n + 1, ctx.base)),
      'user_fields',
    ),
  );
  r.add('GET', '/api/v2/organization_fields', (ctx) =>
    paginate(
      ctx,
      ORGANIZATION_FIELDS.map((f, n) => ({
        ...userFieldJson(f, n + 1, ctx.base),
        url: `${ctx.base}/api/v2/organization_fields/${f.id}.json`,
      })),
      'organization_fields',
    ),
  );
  r.add('GET', '/api/v2/organization_fields/:id', (ctx) => {
    const id = idParam(ctx, 'id');
    const n = ORGANIZATION_FIELDS.findIndex((f) => f.id === id);
    const f = ORGANIZATION_FIELDS[n];
    if (!f) throw notFound();
    return { organization_field: { ...userFieldJson(f, n + 1, ctx.base), url: `${ctx.base}/api/v2/organization_fields/${f.id}.json` } };
  });
  r.add('GET', '/api/v2/user_fields/:id', (ctx) => {
    const id = idParam(ctx, 'id');
    const n = USER_FIELDS.findIndex((f) => f.id === id);
    const f = USER_FIELDS[n];
    if (!f) throw notFound();
    return { user_field: userFieldJson(f, n + 1, ctx.base) };
  });
}
