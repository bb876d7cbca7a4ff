import { SUPPORT_ADDRESS, isoSeconds } from './dataset';
import type { Dataset } from './dataset';
import { HttpError, idList, idParam, notFound, paginate, type Ctx, type Router } from './http';
import { Reply } from './jobs';
import { hash } from './rng';
import type { SimState } from './state';
import { SIM_STREAM } from './streams';

/**
 * Suspended tickets: e-mails that never became tickets (spam filter, suspended senders), holding
 * the author's name and address, the subject and the body. Generated lazily per index like the
 * rest of the dataset (one per eight tickets, at least four), about a third from strangers and
 * the rest from end users (some with their address typed in capitals). Deletion is permanent:
 * `DELETE /suspended_tickets/{id}` and `destroy_many?ids=` answer 204 and the item is gone.
 */

const STREAM = SIM_STREAM.suspended;
const SUSPENDED_BASE = 820_000_000_000;
const CAUSES = ['Detected as spam', 'Automated response mail', 'Received from a suspended user', 'Detected email loop'];

export const suspendedCount = (ds: Dataset): number => Math.max(4, Math.floor(ds.ticketCount / 8));
export const suspendedId = (k: number): number => SUSPENDED_BASE + k;

const deletedByState = new WeakMap<SimState, Set<number>>();
export const deletedSuspended = (state: SimState): Set<number> => {
  let set = deletedByState.get(state);
  if (!set) deletedByState.set(state, (set = new Set()));
  return set;
};

/**
 * Scripted trouble for the listing, so tests can watch Lethe retry and then report the surface
 * as not searched: the next `times` listing requests answer `status` (429 with Retry-After: 1).
 */
const troubleByState = new WeakMap<SimState, { status: number; times: number }>();
export function troubleSuspendedListing(state: SimState, status: 429 | 500 | 503, times: number): void {
  troubleByState.set(state, { status, times });
}
function trouble(ctx: Ctx): void {
  const t = troubleByState.get(ctx.state);
  if (!t || t.times <= 0) return;
  t.times--;
  if (t.status === 429) throw new HttpError(429, { error: 'TooManyRequests' }, { 'Retry-After': '1' });
  throw new HttpError(t.status, { error: 'InternalServerError' });
}

/** The end user who wrote suspended ticket k, or undefined for a stranger. */
function authorIndex(ds: Dataset, k: number): number | undefined {
  if (hash(ds.seed, STREAM, k, 1) % 3 === 0) return undefined;
  for (let tries = 0; tries < 8; tries++) {
    const i = 2 + (hash(ds.seed, STREAM, k, 2 + tries) % Math.max(1, ds.userCount - 2));
    if (!ds.isAgentIndex(i) && ds.primaryEmail(i) !== null) return i;
  }
  return undefined;
}

export function suspendedRecord(ds: Dataset, k: number, base: string): Record<string, unknown> {
  const i = authorIndex(ds, k);
  const email = i === undefined ? `noreply-${k}@bulk-mailer.test` : ds.primaryEmail(i)!;
  const typed = i !== undefined && hash(ds.seed, STREAM, k, 20) % 4 === 0 ? email.toUpperCase() : email;
  const name = i === undefined ? 'Bulk Mailer' : ds.displayName(i).trim();
  const phone = i === undefined ? null : ds.phone(i);
  const at = isoSeconds(ds.epochMs - (1 + (hash(ds.seed, STREAM, k, 21) % 200)) * 3_600_000);
  const id = suspendedId(k);
  return {
    id,
    url: `${base}/api/v2/suspended_tickets/${id}.json`,
    author: { id: i === undefined ? null : ds.userId(i), name, email: typed },
    subject: i === undefined ? 'Limited offer just for you' : `Re: my order, please call me back`,
    content:
      i === undefined
        ? 'Click here to claim your prize.'
        : `Hello, this is ${name}.${phone ? ` Call me on ${phone}.` : ''} Reply to ${email}.`,
    cause: CAUSES[hash(ds.seed, STREAM, k, 22) % CAUSES.length],
    cause_id: 1 + (hash(ds.seed, STREAM, k, 22) % CAUSES.length),
    message_id: `<${id}@mail.example>`,
    recipient: SUPPORT_ADDRESS,
    ticket_id: null,
    brand_id: 360_200,
    attachments: [],
    error_messages: null,
    via: { channel: 'email', source: { from: { address: typed, name }, to: { address: SUPPORT_ADDRESS }, rel: null } },
    created_at: at,
    updated_at: at,
  };
}

const liveIndexes = (ctx: Ctx): number[] => {
  const gone = deletedSuspended(ctx.state);
  const out: number[] = [];
  for (let k = 0; k < suspendedCount(ctx.state.ds); k++) if (!gone.has(suspendedId(k))) out.push(k);
  return out;
};

const indexOf = (ctx: Ctx, id: number): number => {
  const k = id - SUSPENDED_BASE;
  if (k < 0 || k >= suspendedCount(ctx.state.ds) || deletedSuspended(ctx.state).has(id)) throw notFound();
  return k;
};

export function registerSuspendedRoutes(r: Router): void {
  r.add('GET', '/api/v2/suspended_tickets', (ctx) => {
    trouble(ctx);
    const page = paginate(ctx, liveIndexes(ctx), 'suspended_tickets');
    page.suspended_tickets = (page.suspended_tickets as number[]).map((k) => suspendedRecord(ctx.state.ds, k, ctx.base));
    return page;
  });
  r.add('GET', '/api/v2/suspended_tickets/:id', (ctx) => ({
    suspended_ticket: suspendedRecord(ctx.state.ds, indexOf(ctx, idParam(ctx, 'id')), ctx.base),
  }));
  r.add('DELETE', '/api/v2/suspended_tickets/destroy_many', (ctx) => {
    const ids = idList(ctx);
    // Zendesk deletes what it finds and answers 204; unknown ids are skipped.
    for (const id of ids) {
      const k = id - SUSPENDED_BASE;
      if (k >= 0 && k < suspendedCount(ctx.state.ds)) deletedSuspended(ctx.state).add(id);
    }
    return new Reply(204, undefined);
  });
  r.add('DELETE', '/api/v2/suspended_tickets/:id', (ctx) => {
    deletedSuspended(ctx.state).add(suspendedId(indexOf(ctx, idParam(ctx, 'id'))));
    return new Reply(204, undefined);
  });
}

/** Ground truth: the live suspended tickets whose author is the subject, by account id or by address. */
export function suspendedOf(state: SimState, userIds: readonly number[], emails: readonly string[]): number[] {
  const ds = state.ds;
  const own = new Set(userIds);
  const addresses = new Set(emails.map((e) => e.toLowerCase()));
  const out: number[] = [];
  for (let k = 0; k < suspendedCount(ds); k++) {
    const id = suspendedId(k);
    if (deletedSuspended(state).has(id)) continue;
    const rec = suspendedRecord(ds, k, '') as { author: { id: number | null; email: string } };
    if ((rec.author.id !== null && own.has(rec.author.id)) || addresses.has(rec.author.email.toLowerCase())) out.push(id);
  }
  return out;
}
