// Longer than ~400 lines on purpose: one generator whose records are all pure functions of (seed,
// index) over shared derived tables (names, twins, agents); split, those invariants would be spread
// over files. Others are changing it now (#19); a split waits for that.
import { makePdf, makePng } from './files';
import {
  AGENT_REPLIES,
  BODIES,
  COMPANY_SUFFIX,
  COMPANY_WORDS,
  EMAIL_DOMAINS,
  LOCALES,
  OPENERS,
  STREETS,
  SUBJECTS,
  type Locale,
} from './names';
import { Rng, hash, unit } from './rng';
import type {
  AttachmentRecord,
  CommentRecord,
  IdentityRecord,
  MembershipRecord,
  OrganizationRecord,
  TicketRecord,
  TicketStatus,
  UserRecord,
  Via,
} from './types';

/**
 * The generated helpdesk, derived lazily: every record is a pure function of (seed, index), so the
 * large size (a million tickets) costs no memory until a record is asked for. Mutations live in
 * SimState's overlays, never here.
 */

export type DatasetSize = 'tiny' | 'small' | 'medium' | 'large';

interface SizeSpec {
  users: number;
  agents: number;
  orgs: number;
  tickets: number;
  avgComments: number;
  /** End users are grouped in blocks; a block may end with a second account of someone in it. */
  twinBlock: number;
  mentionRate: number;
  attachmentRate: number;
}

const SPECS: Record<DatasetSize, SizeSpec> = {
  tiny: { users: 40, agents: 5, orgs: 4, tickets: 40, avgComments: 3, twinBlock: 10, mentionRate: 0.25, attachmentRate: 0.25 },
  small: { users: 600, agents: 12, orgs: 20, tickets: 2_000, avgComments: 4, twinBlock: 40, mentionRate: 0.08, attachmentRate: 0.12 },
  medium: {
    users: 20_000,
    agents: 60,
    orgs: 400,
    tickets: 100_000,
    avgComments: 5,
    twinBlock: 40,
    mentionRate: 0.05,
    attachmentRate: 0.08,
  },
  large: {
    users: 200_000,
    agents: 300,
    orgs: 4_000,
    tickets: 1_000_000,
    avgComments: 5,
    twinBlock: 40,
    mentionRate: 0.05,
    attachmentRate: 0.08,
  },
};

const DAY = 86_400_000;
/** Longest a ticket stays active: all its comments and its last update fall in [created, created + this]. */
export const TICKET_LIFETIME_MS = 40 * DAY;
const SPAN_MS = 3 * 365 * DAY;

export const ID = {
  user: 380_000_000_000,
  org: 360_000_000_000,
  // Comments, their attachments and audits are numbered by the minute they were written (see
  // Dataset.writtenRel): each range holds every minute of a million tickets' 64 slots.
  comment: 100_000_000_000_000,
  attachment: 300_000_000_000_000,
  identity: 700_000_000_000,
  audit: 710_000_000_000_000,
  rating: 810_000_000_000,
  membership: 950_000_000_000,
  group: 370_000_000_000,
} as const;
const COMMENT_SLOTS = 64;
const MINUTE = 60_000;
/** Minutes from the dataset's start in which anything of a ticket can be written (the span, and a day). */
const MINUTE_BUCKETS = Math.ceil((SPAN_MS + DAY) / MINUTE);
/** Above every relative comment, attachment or audit id of any size (see Dataset.writtenRel). */
export const MAX_WRITTEN_REL = MINUTE_BUCKETS * Math.max(...Object.values(SPECS).map((spec) => spec.tickets)) * COMMENT_SLOTS;

/** The slot of a ticket's generated field change among its audits (comments use 0..62). */
export const HISTORY_SLOT = 63;
/**
 * Bumped when generated ids change for the same seed and size, so a bench's synced workspace
 * built from the old ids is not taken for the new ones. 2: comments, attachments and audits
 * numbered by the minute they were written.
 */
export const DATASET_ID_SCHEME = 2;
const ATTACHMENT_SLOTS = 4;
const IDENTITY_SLOTS = 8;

export const SIM_DOMAIN = 'lethe-sim.test';
export const SUPPORT_ADDRESS = `support@${SIM_DOMAIN}`;
export const ADMIN_EMAIL = `admin@${SIM_DOMAIN}`;
export const AGENT_EMAIL = `agent@${SIM_DOMAIN}`;

// Hash streams: one per kind of decision so changing one never shifts another.
const S = {
  epoch: 1,
  user: 2,
  twin: 3,
  org: 4,
  ticket: 5,
  comment: 6,
  mention: 7,
  attachment: 8,
  membership: 9,
  userTime: 10,
  ticketTime: 11,
  lifetime: 13,
  userUpdate: 14,
} as const;

export interface MentionSkeleton {
  userIndex: number;
  kind: 'email' | 'phone';
  format: number;
}

export interface AttachmentSkeleton {
  kind: 'text' | 'png' | 'pdf';
  inline: boolean;
}

export interface CommentSkeleton {
  author: number;
  createdMs: number;
  isPublic: boolean;
  mention: MentionSkeleton | null;
  attachments: AttachmentSkeleton[];
}

export interface TicketHead {
  index: number;
  requester: number;
  submitter: number;
  assignee: number | null;
  ccs: number[];
  followers: number[];
  status: TicketStatus;
  archived: boolean;
  createdMs: number;
  updatedMs: number;
  legalHold: boolean;
  commentCount: number;
}

/** A ticket's head with its comments drawn (the head counts them; the skeleton has them). */
export interface TicketSkeleton extends TicketHead {
  comments: CommentSkeleton[];
}

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The first draws of a ticket's own random stream: baseTicket and baseSubject must agree. */
function drawSubject(r: Rng): string | null {
  const subjectless = r.chance(0.03);
  return subjectless ? null : `${r.of(SUBJECTS)}${r.chance(0.2) ? ` #${1000 + r.int(9000)}` : ''}`;
}

function freezeSkeleton(sk: TicketSkeleton): TicketSkeleton {
  Object.freeze(sk.ccs);
  Object.freeze(sk.followers);
  for (const c of sk.comments) {
    for (const a of c.attachments) Object.freeze(a);
    Object.freeze(c.attachments);
    if (c.mention) Object.freeze(c.mention);
    Object.freeze(c);
  }
  Object.freeze(sk.comments);
  return Object.freeze(sk);
}

export class Dataset {
  readonly seed: number;
  readonly size: DatasetSize;
  readonly spec: SizeSpec;
  /** The fixed "present" of the generated history; everything generated is older. */
  readonly epochMs: number;
  readonly startMs: number;
  private readonly ticketStepMs: number;
  private readonly userStepMs: number;
  /**
   * Skeletons generated lately, least recently used first. The ticket-events export regenerates,
   * for every page it serves, each ticket created in the TICKET_LIFETIME_MS before the page (their
   * comments can be that much younger): about 3,800 tickets a page on the medium dataset, nearly all
   * of them the previous page's too. That burned the simulator's CPU, which shares the machine with
   * the sync it serves in the benches. Sized to hold that window and a page beyond it.
   */
  private readonly skeletons = new Map<number, TicketSkeleton>();
  private readonly skeletonCapacity: number;

  constructor(seed: number, size: DatasetSize) {
    this.seed = seed >>> 0;
    this.size = size;
    this.spec = SPECS[size];
    // A fixed past date moved by the seed, so the data never depends on the wall clock.
    this.epochMs = Date.UTC(2025, 6, 1) - Math.floor(unit(this.seed, S.epoch) * 180) * DAY;
    this.startMs = this.epochMs - SPAN_MS;
    this.ticketStepMs = (SPAN_MS - TICKET_LIFETIME_MS) / this.spec.tickets;
    this.userStepMs = (SPAN_MS - TICKET_LIFETIME_MS) / (this.spec.users - this.spec.agents);
    this.skeletonCapacity = Math.ceil((1.5 * TICKET_LIFETIME_MS) / this.ticketStepMs) + 1024;
  }

  get userCount(): number {
    return this.spec.users;
  }
  get ticketCount(): number {
    return this.spec.tickets;
  }
  get orgCount(): number {
    return this.spec.orgs;
  }

  // ---- ids ---------------------------------------------------------------------------------

  userId(i: number): number {
    return ID.user + i;
  }
  userIndex(id: number): number | undefined {
    const i = id - ID.user;
    return Number.isInteger(i) && i >= 0 && i < this.spec.users ? i : undefined;
  }
  orgId(i: number): number {
    return ID.org + i;
  }
  orgIndex(id: number): number | undefined {
    const i = id - ID.org;
    return Number.isInteger(i) && i >= 0 && i < this.spec.orgs ? i : undefined;
  }
  ticketId(i: number): number {
    return i + 1;
  }
  ticketIndex(id: number): number | undefined {
    const i = id - 1;
    return Number.isInteger(i) && i >= 0 && i < this.spec.tickets ? i : undefined;
  }
  /**
   * Zendesk numbers comments, audits and attachments as they are written, so its time-ordered
   * exports deliver them in nearly ascending id order. Generated ids follow that: the minute the
   * thing was written, then its ticket and slot. They ascend with time to within a minute (and
   * strictly within a ticket), and still invert to (ticket, slot) without a table.
   */
  private writtenRel(ti: number, slot: number, ms: number): number {
    const minute = Math.floor((ms - this.startMs) / MINUTE);
    if (!(minute >= 0 && minute < MINUTE_BUCKETS)) throw new Error(`ticket index ${ti} slot ${slot}: written outside the dataset's span`);
    return (minute * this.spec.tickets + ti) * COMMENT_SLOTS + slot;
  }
  /** When comment j of a ticket was written: needs only the ticket's head, so ids stay cheap. */
  commentCreatedMs(ti: number, j: number, head: TicketHead = this.ticketHead(ti)): number {
    // A skeleton already holds the times (the export asks for every comment's ids, page after page).
    const known = (head as Partial<TicketSkeleton>).comments?.[j];
    if (known) return known.createdMs;
    if (j === 0) return head.createdMs;
    const lifetime = head.updatedMs - head.createdMs;
    const t = head.createdMs + Math.floor((lifetime * (j + new Rng(this.seed, S.comment, ti, j).next() * 0.9)) / head.commentCount);
    return Math.min(t, head.updatedMs);
  }
  /** When a ticket's generated field change was made (its audit in HISTORY_SLOT). */
  historyChangeMs(ti: number, head: TicketHead = this.ticketHead(ti)): number {
    return head.createdMs + Math.floor((head.updatedMs - head.createdMs) / 2) + 1000;
  }
  private commentRel(ti: number, j: number, head?: TicketHead): number {
    return this.writtenRel(ti, j, this.commentCreatedMs(ti, j, head));
  }
  private commentOfRel(rel: number): [number, number] | undefined {
    if (!Number.isInteger(rel) || rel < 0) return undefined;
    const j = rel % COMMENT_SLOTS;
    const ti = Math.floor(rel / COMMENT_SLOTS) % this.spec.tickets;
    const head = this.ticketHead(ti);
    if (j >= head.commentCount) return undefined;
    // The rest of the id is the minute: it must be the one comment j was written in.
    return this.commentRel(ti, j, head) === rel ? [ti, j] : undefined;
  }
  commentId(ti: number, j: number, head?: TicketHead): number {
    return ID.comment + this.commentRel(ti, j, head);
  }
  /** [ticketIndex, commentIndex] of a generated comment id. */
  commentPosition(id: number): [number, number] | undefined {
    return this.commentOfRel(id - ID.comment);
  }
  attachmentId(ti: number, j: number, k: number, head?: TicketHead): number {
    return ID.attachment + this.commentRel(ti, j, head) * ATTACHMENT_SLOTS + k;
  }
  attachmentPosition(id: number): [number, number, number] | undefined {
    const rel = id - ID.attachment;
    if (!Number.isInteger(rel) || rel < 0) return undefined;
    const k = rel % ATTACHMENT_SLOTS;
    const pos = this.commentOfRel(Math.floor(rel / ATTACHMENT_SLOTS));
    if (!pos) return undefined;
    const [ti, j] = pos;
    const comment = this.ticketSkeleton(ti).comments[j];
    return comment && k < comment.attachments.length ? [ti, j, k] : undefined;
  }
  /** The audit that wrote comment j, or (slot HISTORY_SLOT) the ticket's generated field change. */
  auditId(ti: number, j: number, head: TicketHead = this.ticketHead(ti)): number {
    const ms = j === HISTORY_SLOT ? this.historyChangeMs(ti, head) : this.commentCreatedMs(ti, j, head);
    return ID.audit + this.writtenRel(ti, j, ms);
  }

  // ---- users -------------------------------------------------------------------------------

  isAgentIndex(i: number): boolean {
    return i < this.spec.agents;
  }

  /** Index of the user a block's second account copies, or -1 if the block has none. */
  private twinOriginal(block: number): number {
    const { twinBlock, agents } = this.spec;
    const blockStart = agents + block * twinBlock;
    if (blockStart + twinBlock > this.spec.users) return -1;
    if (block > 0 && unit(this.seed, S.twin, block) >= 0.5) return -1;
    return blockStart + Math.floor(unit(this.seed, S.twin, block, 1) * (twinBlock - 1));
  }

  /** If user i is the second account of another user, that user's index. */
  twinOf(i: number): number | undefined {
    if (this.isAgentIndex(i)) return undefined;
    const { twinBlock, agents } = this.spec;
    const rel = i - agents;
    if (rel % twinBlock !== twinBlock - 1) return undefined;
    const original = this.twinOriginal(Math.floor(rel / twinBlock));
    return original >= 0 ? original : undefined;
  }

  private hasTwin(i: number): boolean {
    if (this.isAgentIndex(i)) return false;
    return this.twinOriginal(Math.floor((i - this.spec.agents) / this.spec.twinBlock)) === i;
  }

  userCreatedMs(i: number): number {
    if (this.isAgentIndex(i)) return this.startMs - 60 * DAY + i * 3_600_000;
    const base = this.startMs - 30 * DAY + (i - this.spec.agents) * this.userStepMs;
    return Math.floor(base + unit(this.seed, S.userTime, i) * this.userStepMs * 0.9);
  }

  userUpdatedMs(i: number): number {
    const created = this.userCreatedMs(i);
    return Math.floor(Math.min(this.epochMs - DAY, created + Math.floor(unit(this.seed, S.userUpdate, i) * 400 * DAY)) / 1000) * 1000;
  }

  /** The last end-user index that existed at time ms. */
  private lastUserAt(ms: number): number {
    const rel = Math.floor((ms - (this.startMs - 30 * DAY)) / this.userStepMs);
    return Math.min(this.spec.users - 1, Math.max(this.spec.agents, this.spec.agents + rel - 1));
  }

  private locale(i: number): Locale {
    const own = this.twinOf(i) ?? i;
    const l = LOCALES[hash(this.seed, S.user, own, 1) % LOCALES.length];
    if (!l) throw new Error('no locale');
    return l;
  }

  private nameParts(i: number): { first: string; last: string; firstAscii: string; lastAscii: string; locale: Locale } {
    const own = this.twinOf(i) ?? i;
    const locale = this.locale(i);
    const r = new Rng(this.seed, S.user, own, 2);
    const f = r.of(locale.first);
    const l = r.of(locale.last);
    return { first: f.native, last: l.native, firstAscii: f.ascii.toLowerCase(), lastAscii: l.ascii.toLowerCase(), locale };
  }

  displayName(i: number): string {
    if (i === 0) return 'Ada Admin';
    if (i === 1) return 'Sam Agent';
    const { first, last, locale } = this.nameParts(i);
    const twin = this.twinOf(i) !== undefined;
    const name = locale.familyFirst ? `${last}${first}` : `${first} ${last}`;
    if (twin) return locale.familyFirst ? name : name.toUpperCase();
    const messy = hash(this.seed, S.user, i, 3) % 40;
    if (messy === 0) return `  ${name} `; // stray whitespace from a web form
    if (messy === 1) return name.toLowerCase();
    return name;
  }

  /** Primary email, or null for end users who only ever phoned in. */
  primaryEmail(i: number): string | null {
    if (i === 0) return ADMIN_EMAIL;
    if (i === 1) return AGENT_EMAIL;
    const { firstAscii, lastAscii } = this.nameParts(i);
    if (this.isAgentIndex(i)) return `${firstAscii}.${lastAscii}.${i}@${SIM_DOMAIN}`;
    if (this.twinOf(i) !== undefined) return `${firstAscii}${lastAscii.slice(0, 1)}_${i}@${EMAIL_DOMAINS[(i + 1) % EMAIL_DOMAINS.length]}`;
    if (hash(this.seed, S.user, i, 4) % 100 < 8) return null;
    const domain = EMAIL_DOMAINS[hash(this.seed, S.user, i, 5) % EMAIL_DOMAINS.length] ?? 'example.com';
    const local = `${firstAscii}.${lastAscii}${i}`;
    // Some people type their address with capitals; Zendesk keeps what was typed.
    return hash(this.seed, S.user, i, 6) % 15 === 0
      ? `${local[0]?.toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`
      : `${local}@${domain}`;
  }

  secondaryEmail(i: number): string | null {
    if (this.isAgentIndex(i) || this.twinOf(i) !== undefined) return null;
    if (hash(this.seed, S.user, i, 7) % 100 >= 25) return null;
    const { firstAscii, lastAscii } = this.nameParts(i);
    return `${lastAscii}_${firstAscii}${i}@${EMAIL_DOMAINS[(i + 2) % EMAIL_DOMAINS.length]}`;
  }

  /** E.164 phone, unique per person (a second account shares the first account's number). */
  phone(i: number): string | null {
    const own = this.twinOf(i) ?? i;
    if (this.isAgentIndex(own))
      return own === 0 || own === 1 ? null : hash(this.seed, S.user, own, 8) % 2 === 0 ? this.phoneDigits(own) : null;
    const mustHave = this.primaryEmail(own) === null || this.hasTwin(own) || this.twinOf(i) !== undefined;
    if (!mustHave && hash(this.seed, S.user, own, 8) % 100 >= 55) return null;
    return this.phoneDigits(own);
  }

  private phoneDigits(i: number): string {
    const prefix = this.locale(i).phonePrefix.replace(/\s/g, '');
    return `${prefix}${String(i).padStart(6, '0')}`;
  }

  /** A phone number written the way people write it: same digits, different punctuation. */
  formatPhone(e164: string, format: number): string {
    const d = e164.replace(/^\+/, '');
    switch (format % 4) {
      case 0:
        return e164;
      case 1:
        return `+${d.slice(0, 2)} ${d.slice(2, 6)} ${d.slice(6)}`;
      case 2:
        return `+${d.slice(0, 2)}-${d.slice(2, 5)}-${d.slice(5, 8)}-${d.slice(8)}`;
      default:
        return `(+${d.slice(0, 2)}) ${d.slice(2, 7)}.${d.slice(7)}`;
    }
  }

  userOrgIndexes(i: number): number[] {
    if (this.isAgentIndex(i) || this.spec.orgs === 0) return [];
    const r = new Rng(this.seed, S.membership, i);
    if (!r.chance(0.4)) return [];
    const first = r.int(this.spec.orgs);
    if (r.chance(0.1)) {
      const second = (first + 1 + r.int(this.spec.orgs - 1)) % this.spec.orgs;
      if (second !== first) return [first, second];
    }
    return [first];
  }

  baseUser(i: number): UserRecord {
    const r = new Rng(this.seed, S.user, i, 9);
    const id = this.userId(i);
    const created = this.userCreatedMs(i);
    const updated = this.userUpdatedMs(i);
    const email = this.primaryEmail(i);
    const secondary = this.secondaryEmail(i);
    const phone = this.phone(i);
    const nameLocale = this.locale(i);
    const role: UserRecord['role'] =
      i === 0 ? 'admin' : i === 1 ? 'agent' : this.isAgentIndex(i) ? (i % 4 === 0 ? 'admin' : 'agent') : 'end-user';
    const identities: IdentityRecord[] = [];
    const identity = (k: number, type: IdentityRecord['type'], value: string, primary: boolean): IdentityRecord => ({
      id: ID.identity + i * IDENTITY_SLOTS + k,
      user_id: id,
      type,
      value,
      primary,
      verified: type === 'email' ? k === 0 || r.chance(0.5) : false,
      verification_method: type === 'email' && k === 0 ? 'low' : 'none',
      created_at: iso(created + k * DAY),
      updated_at: iso(created + k * DAY),
      deliverable_state: 'deliverable',
      undeliverable_count: 0,
    });
    if (email) identities.push(identity(0, 'email', email, true));
    if (secondary) identities.push(identity(1, 'email', secondary, false));
    if (phone) identities.push(identity(2, 'phone_number', phone, email === null));
    const orgs = this.userOrgIndexes(i);
    const messyPhone = phone && r.chance(0.15) ? `${this.formatPhone(phone, 1)} ext. ${r.int(90) + 10}` : phone;
    const twin = this.twinOf(i) !== undefined;
    return {
      id,
      name: this.displayName(i),
      email,
      phone: messyPhone,
      shared_phone_number: phone ? twin || this.hasTwin(i) : null,
      role,
      role_type: role === 'end-user' ? null : role === 'admin' ? 4 : 0,
      active: true,
      suspended: !this.isAgentIndex(i) && r.chance(0.02),
      verified: email !== null,
      shared: false,
      shared_agent: false,
      locale: r.chance(0.1) ? null : nameLocale.locale,
      locale_id: r.chance(0.1) ? null : 1 + (hash(this.seed, S.user, i, 10) % 100),
      time_zone: r.chance(0.1) ? null : nameLocale.timeZone,
      iana_time_zone: nameLocale.timeZone,
      organization_id: orgs[0] !== undefined ? this.orgId(orgs[0]) : null,
      external_id: r.chance(0.3) ? (r.chance(0.2) ? ` crm-${i} ` : `crm-${i}`) : null,
      alias: r.chance(0.05) ? this.nameParts(i).firstAscii : null,
      details: r.chance(0.15) ? `${r.int(200) + 1} ${r.of(STREETS)}` : null,
      notes: r.chance(0.1) ? (r.chance(0.5) ? 'Prefers phone contact. Hard of hearing.' : 'VIP — escalate billing issues') : null,
      signature: this.isAgentIndex(i) ? `Best, ${this.displayName(i).trim()}` : null,
      tags: twin ? ['second_account'] : r.chance(0.1) ? ['newsletter', 'Beta Tester'] : [],
      user_fields: {
        loyalty_tier: r.chance(0.3) ? r.of(['gold', 'silver', 'bronze']) : null,
        birthday: r.chance(0.05) ? `19${60 + r.int(40)}-0${1 + r.int(9)}-1${r.int(9)}` : null,
        ...this.personalUserFields(i),
      },
      default_group_id: this.isAgentIndex(i) ? ID.group + (i % 3) : null,
      ticket_restriction: role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: false,
      moderator: role === 'admin',
      two_factor_auth_enabled: role === 'end-user' ? null : r.chance(0.7),
      custom_role_id: null,
      last_login_at: r.chance(0.6) ? iso(updated) : null,
      photo: null,
      report_csv: role === 'admin',
      created_at: iso(created),
      updated_at: iso(updated),
      identities,
    };
  }

  /**
   * Custom user fields holding personal data (#12 surface 5), on their own random stream so the
   * rest of each user stays as it was: a delivery address, and an emergency contact naming someone
   * else (another end user's name and phone).
   */
  personalUserFields(i: number): { delivery_address: string | null; emergency_contact: string | null } {
    const r = new Rng(this.seed, S.user, i, 41);
    const endUsers = this.spec.users - this.spec.agents;
    const address = r.chance(0.25) ? `${r.int(200) + 1} ${r.of(STREETS)}` : null;
    let contact: string | null = null;
    if (!this.isAgentIndex(i) && endUsers > 1 && r.chance(0.15)) {
      const other = this.spec.agents + ((i - this.spec.agents + 1 + r.int(endUsers - 1)) % endUsers);
      contact = other === i ? null : `${this.displayName(other).trim()}, ${this.formatPhone(this.phoneDigits(other), 1)}`;
    }
    return { delivery_address: address, emergency_contact: contact };
  }

  /** An organization field naming one end user by e-mail (the organisation's billing contact), for some organisations. */
  billingContact(o: number): string | null {
    const r = new Rng(this.seed, S.org, o, 41);
    const endUsers = this.spec.users - this.spec.agents;
    if (endUsers <= 0 || !r.chance(0.5)) return null;
    return this.primaryEmail(this.spec.agents + r.int(endUsers));
  }

  baseMemberships(i: number): MembershipRecord[] {
    const created = this.userCreatedMs(i);
    return this.userOrgIndexes(i).map((o, k) => ({
      id: ID.membership + i * 4 + k,
      user_id: this.userId(i),
      organization_id: this.orgId(o),
      organization_name: this.orgName(o),
      default: k === 0,
      view_tickets: k === 0,
      created_at: iso(created),
      updated_at: iso(created),
    }));
  }

  // ---- organizations -----------------------------------------------------------------------

  orgName(o: number): string {
    const w = COMPANY_WORDS[hash(this.seed, S.org, o, 1) % COMPANY_WORDS.length];
    const s = COMPANY_SUFFIX[hash(this.seed, S.org, o, 2) % COMPANY_SUFFIX.length];
    return `${w} ${s} #${o + 1}`;
  }

  baseOrg(o: number): OrganizationRecord {
    const r = new Rng(this.seed, S.org, o, 3);
    const created = this.startMs - 90 * DAY + Math.floor((o / Math.max(1, this.spec.orgs)) * SPAN_MS * 0.8);
    const updated = Math.min(this.epochMs - DAY, created + r.int(300) * DAY + r.int(86_400) * 1000);
    const soleTrader = r.chance(0.15);
    return {
      id: this.orgId(o),
      name: this.orgName(o),
      external_id: r.chance(0.5) ? `org-${o}` : null,
      domain_names: r.chance(0.7) ? [`org${o}.example`] : [],
      details: soleTrader ? 'Sole trader; owner handles all contact' : null,
      notes: soleTrader
        ? `Owner mobile ${this.formatPhone(this.phoneDigits(this.spec.agents + (o % Math.max(1, this.spec.users - this.spec.agents))), 1)}`
        : null,
      group_id: null,
      shared_tickets: r.chance(0.3),
      shared_comments: false,
      tags: r.chance(0.2) ? ['enterprise'] : [],
      organization_fields: { account_manager: r.chance(0.5) ? 'Sam Agent' : null, billing_contact: this.billingContact(o) },
      created_at: iso(created),
      updated_at: iso(updated),
    };
  }

  // ---- tickets -----------------------------------------------------------------------------

  ticketCreatedMs(ti: number): number {
    return Math.floor(this.startMs + (ti + unit(this.seed, S.ticketTime, ti) * 0.98) * this.ticketStepMs);
  }

  /** O(1) and independent of the rest of the ticket, so the export order is cheap to build. */
  ticketUpdatedMs(ti: number): number {
    return this.ticketCreatedMs(ti) + Math.floor(TICKET_LIFETIME_MS * unit(this.seed, S.lifetime, ti) ** 2) + 60_000;
  }

  /** First ticket index created at or after ms (tickets are created in id order). */
  firstTicketCreatedAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.spec.tickets;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ticketCreatedMs(mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private randomEndUser(r: Rng, atMs: number): number {
    const last = this.lastUserAt(atMs);
    const span = last - this.spec.agents + 1;
    const u = r.next();
    // A few heavy requesters write in again and again; most people write once or twice.
    const skew = r.chance(0.1) ? u ** 4 : Math.sqrt(u);
    return this.spec.agents + Math.min(span - 1, Math.floor(skew * span));
  }

  private randomAgent(r: Rng): number {
    return 1 + r.int(this.spec.agents - 1);
  }

  /** Shared and frozen: a caller that changed one would change it for every later caller. */
  ticketSkeleton(ti: number): TicketSkeleton {
    const cached = this.skeletons.get(ti);
    if (cached) {
      this.skeletons.delete(ti);
      this.skeletons.set(ti, cached);
      return cached;
    }
    const head = this.ticketHead(ti);
    const skeleton = freezeSkeleton({ ...head, comments: this.commentSkeletons(ti, head) });
    this.skeletons.set(ti, skeleton);
    if (this.skeletons.size > this.skeletonCapacity) {
      const oldest = this.skeletons.keys().next();
      if (!oldest.done) this.skeletons.delete(oldest.value);
    }
    return skeleton;
  }

  /** Everything about a ticket except its comments: cheap enough to scan a million of. */
  ticketHead(ti: number): TicketHead {
    const r = new Rng(this.seed, S.ticket, ti);
    const createdMs = this.ticketCreatedMs(ti);
    const requester = r.chance(0.03) ? this.randomAgent(r) : this.randomEndUser(r, createdMs);
    const submitter = r.chance(0.15) ? this.randomAgent(r) : requester;
    const ageMs = this.epochMs - createdMs;
    const updatedMs = this.ticketUpdatedMs(ti);
    let status: TicketStatus;
    const s = r.next();
    if (ti < 7 && this.spec.tickets >= 7) {
      // The first few tickets cover every status, so even the tiny dataset has each one.
      const forced: TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed', 'closed'];
      status = forced[(ti + (this.seed % 7)) % 7] ?? 'open';
    } else if (ageMs > 90 * DAY) {
      status = s < 0.72 ? 'closed' : s < 0.86 ? 'solved' : s < 0.92 ? 'open' : s < 0.96 ? 'pending' : s < 0.98 ? 'hold' : 'new';
    } else {
      status = s < 0.2 ? 'new' : s < 0.45 ? 'open' : s < 0.6 ? 'pending' : s < 0.7 ? 'hold' : s < 0.9 ? 'solved' : 'closed';
    }
    let archived = status === 'closed' && this.epochMs - updatedMs > 120 * DAY;
    if (ti < 7 && status === 'closed') archived = (ti + (this.seed % 7)) % 7 === 6;
    const assignee = status === 'new' && r.chance(0.8) ? null : this.randomAgent(r);
    const ccs: number[] = [];
    if (r.chance(0.3)) {
      const n = 1 + r.int(3);
      for (let k = 0; k < n; k++) {
        const u = r.chance(0.8) ? this.randomEndUser(r, createdMs) : this.randomAgent(r);
        if (u !== requester && !ccs.includes(u)) ccs.push(u);
      }
    }
    const followers: number[] = [];
    if (r.chance(0.2)) {
      const n = 1 + r.int(2);
      for (let k = 0; k < n; k++) {
        const a = this.randomAgent(r);
        if (!followers.includes(a)) followers.push(a);
      }
    }
    const legalHold = ti === 2 || ti === 5 || r.chance(0.03);
    const commentCount = 1 + r.int(2 * this.spec.avgComments - 1);
    return { index: ti, requester, submitter, assignee, ccs, followers, status, archived, createdMs, updatedMs, legalHold, commentCount };
  }

  private commentSkeletons(ti: number, head: TicketHead): CommentSkeleton[] {
    const { updatedMs, submitter, assignee, requester, ccs, commentCount: count } = head;
    const comments: CommentSkeleton[] = [];
    for (let j = 0; j < count; j++) {
      const cr = new Rng(this.seed, S.comment, ti, j);
      // The stream's first draw is the comment's time (commentCreatedMs), made there.
      if (j > 0) cr.next();
      const t = this.commentCreatedMs(ti, j, head);
      let author: number;
      if (j === 0) author = submitter;
      else {
        const a = cr.next();
        author =
          a < 0.5 ? (assignee ?? this.randomAgent(cr)) : a < 0.8 || ccs.length === 0 ? requester : (ccs[cr.int(ccs.length)] ?? requester);
      }
      const byAgent = this.isAgentIndex(author);
      const isPublic = !(byAgent && j > 0 && cr.chance(0.25));
      let mention: MentionSkeleton | null = null;
      const mr = new Rng(this.seed, S.mention, ti, j);
      if (mr.chance(this.spec.mentionRate)) {
        const target = this.randomEndUser(mr, t);
        if (target !== author) {
          const hasEmail = this.primaryEmail(target) !== null;
          const hasPhone = this.phone(target) !== null;
          const kind: 'email' | 'phone' = hasEmail && (!hasPhone || mr.chance(0.6)) ? 'email' : 'phone';
          mention = { userIndex: target, kind, format: mr.int(8) };
        }
      }
      const attachments: AttachmentSkeleton[] = [];
      const ar = new Rng(this.seed, S.attachment, ti, j);
      if (ar.chance(this.spec.attachmentRate)) {
        const n = 1 + (ar.chance(0.25) ? 1 : 0);
        for (let k = 0; k < n; k++) {
          const kind = ar.of(['text', 'png', 'pdf'] as const);
          attachments.push({ kind, inline: kind === 'png' && ar.chance(0.3) });
        }
      }
      comments.push({ author, createdMs: Math.min(t, updatedMs), isPublic, mention, attachments });
    }
    return comments;
  }

  private via(channel: string, fromUser: number | null): Via {
    if (channel === 'email' && fromUser !== null) {
      const email = this.primaryEmail(fromUser);
      return {
        channel: 'email',
        source: {
          from: {
            address: email ? (hash(this.seed, 12, fromUser) % 5 === 0 ? email.toUpperCase() : email) : null,
            name: this.displayName(fromUser).trim(),
          },
          to: { address: SUPPORT_ADDRESS, name: 'Support' },
          rel: null,
        },
      };
    }
    if (channel === 'voice' && fromUser !== null) {
      return {
        channel: 'voice',
        source: { from: { phone: this.phone(fromUser), name: this.displayName(fromUser).trim() }, to: {}, rel: 'voicemail' },
      };
    }
    return { channel, source: { from: {}, to: {}, rel: null } };
  }

  mentionText(m: MentionSkeleton): string {
    const name = this.displayName(m.userIndex).trim();
    if (m.kind === 'email') {
      const email = this.primaryEmail(m.userIndex) ?? '';
      const shown = m.format % 3 === 0 ? email.toUpperCase() : email;
      return m.format % 2 === 0 ? `Please also copy my colleague ${name} <${shown}>.` : `You can reach ${name} at ${shown} if I am away.`;
    }
    const phone = this.formatPhone(this.phone(m.userIndex) ?? '', m.format);
    return m.format % 2 === 0
      ? `My neighbour ${name} (tel. ${phone}) will accept the parcel.`
      : `Call ${phone} — that is ${name}, my partner.`;
  }

  private signature(author: number, r: Rng): string {
    const name = this.displayName(author).trim();
    if (this.isAgentIndex(author)) return `\n\n${name}\nSupport team`;
    if (r.chance(0.3)) {
      const phone = this.phone(author);
      if (phone) return `\n\n${name}\nMobile: ${this.formatPhone(phone, r.int(4))}`;
    }
    return `\n\n${name}`;
  }

  baseComment(ti: number, j: number, sk: TicketSkeleton = this.ticketSkeleton(ti)): CommentRecord {
    const c = sk.comments[j];
    if (!c) throw new Error(`no comment ${j} on ticket index ${ti}`);
    const r = new Rng(this.seed, S.comment, ti, 100 + j);
    const byAgent = this.isAgentIndex(c.author);
    const parts: string[] = [];
    if (byAgent && j > 0) parts.push(r.of(AGENT_REPLIES));
    else {
      parts.push(r.of(OPENERS));
      parts.push(r.of(BODIES));
      if (r.chance(0.2)) parts.push(`My address is ${r.int(200) + 1} ${r.of(STREETS)}.`);
    }
    if (c.mention) parts.push(this.mentionText(c.mention));
    const body = parts.join('\n\n') + this.signature(c.author, r);
    const channel =
      j === 0 ? (c.author === sk.requester ? r.of(['email', 'email', 'web', 'voice', 'api']) : 'web') : byAgent ? 'web' : 'email';
    const html = `<div class="zd-comment" dir="auto">${body
      .split('\n\n')
      .map((p) => `<p dir="auto">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
      .join('')}</div>`;
    return {
      id: this.commentId(ti, j, sk),
      type: 'Comment',
      author_id: this.userId(c.author),
      body,
      html_body: html,
      plain_body: body,
      public: c.isPublic,
      audit_id: this.auditId(ti, j, sk),
      created_at: iso(c.createdMs),
      via: this.via(channel, c.author),
      metadata: {
        system: byAgent
          ? {
              client: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0',
              ip_address: '10.0.0.' + (c.author % 250),
              location: null,
              latitude: null,
              longitude: null,
            }
          : {
              client: r.of([
                'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)',
                'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
                'Zendesk Mobile SDK',
              ]),
              ip_address: `203.0.113.${(c.author * 7) % 250}`,
              location: r.of(['London, United Kingdom', 'Berlin, Germany', 'Lyon, France', 'Tokyo, Japan', null]),
              latitude: 51.5 - (c.author % 30),
              longitude: -0.12 + (c.author % 40),
            },
        custom: {},
      },
      attachments: c.attachments.map((a, k) => this.baseAttachment(ti, j, k, a, c.author, sk)),
    };
  }

  private attachmentFileName(a: AttachmentSkeleton, author: number, k: number): string {
    const { firstAscii, lastAscii } = this.nameParts(author);
    if (a.kind === 'text') return k % 2 === 0 ? `details_${firstAscii}_${lastAscii}.txt` : 'notes.txt';
    if (a.kind === 'png') return a.inline ? `image${k}.png` : `photo_id_${lastAscii}.png`;
    return `invoice_${lastAscii}_${author}.pdf`;
  }

  private baseAttachment(ti: number, j: number, k: number, a: AttachmentSkeleton, author: number, head: TicketHead): AttachmentRecord {
    const bytes = this.attachmentBytes(ti, j, k);
    const png = a.kind === 'png';
    return {
      id: this.attachmentId(ti, j, k, head),
      file_name: this.attachmentFileName(a, author, k),
      content_type: a.kind === 'text' ? 'text/plain' : png ? 'image/png' : 'application/pdf',
      size: bytes.length,
      width: png ? 16 : null,
      height: png ? 12 : null,
      inline: a.inline,
      deleted: false,
      malware_scan_result: 'malware_not_found',
      malware_access_override: false,
      thumbnails: [],
    };
  }

  /** The original bytes of a generated attachment (before any redaction). */
  attachmentBytes(ti: number, j: number, k: number): Buffer {
    const sk = this.ticketSkeleton(ti);
    const c = sk.comments[j];
    const a = c?.attachments[k];
    if (!c || !a) throw new Error('no such attachment');
    const author = c.author;
    const name = this.displayName(author).trim();
    const email = this.primaryEmail(author) ?? '(no email)';
    const phone = this.phone(author) ?? '(no phone)';
    const r = new Rng(this.seed, S.attachment, ti, 100 + j * 4 + k);
    const address = `${r.int(200) + 1} ${r.of(STREETS)}`;
    if (a.kind === 'png') return makePng(16, 12, ti * 7 + j * 3 + k);
    if (a.kind === 'pdf') {
      return makePdf([
        `Invoice ${this.ticketId(ti)}-${j}`,
        `Bill to: ${name}`,
        `Email: ${email}`,
        `Phone: ${phone}`,
        `Address: ${address}`,
        `Amount: EUR ${(r.int(50000) / 100).toFixed(2)}`,
      ]);
    }
    return Buffer.from(
      `Customer details\nName: ${name}\nEmail: ${email}\nPhone: ${phone}\nAddress: ${address}\nCard ending: ${1000 + r.int(9000)}\n`,
      'utf8',
    );
  }

  /** The subject baseTicket gives, without the rest of the ticket (the export's Create events). */
  baseSubject(ti: number): string | null {
    return drawSubject(new Rng(this.seed, S.ticket, ti, 1));
  }

  baseTicket(ti: number): TicketRecord {
    const sk = this.ticketSkeleton(ti);
    const r = new Rng(this.seed, S.ticket, ti, 1);
    const first = this.baseComment(ti, 0, sk);
    const subject = drawSubject(r);
    const tags = [r.of(['billing', 'delivery', 'account', 'refund', 'warranty'])];
    if (sk.legalHold) tags.push('legal_hold');
    if (r.chance(0.1)) tags.push('vip');
    if (r.chance(0.05)) tags.push('gdpr');
    const orgs = this.userOrgIndexes(sk.requester);
    const satisfied = (sk.status === 'solved' || sk.status === 'closed') && r.chance(0.2);
    const requesterName = this.displayName(sk.requester).trim();
    return {
      id: this.ticketId(ti),
      external_id: r.chance(0.1) ? `ord-${100000 + ti}` : null,
      via: first.via,
      created_at: iso(sk.createdMs),
      updated_at: iso(sk.updatedMs),
      generated_timestamp: Math.floor(sk.updatedMs / 1000),
      type: r.chance(0.5) ? r.of(['question', 'incident', 'problem', 'task']) : null,
      subject,
      raw_subject: subject,
      description: first.body,
      priority: r.chance(0.6) ? r.of(['low', 'normal', 'high', 'urgent']) : null,
      status: sk.status,
      recipient: first.via.channel === 'email' ? SUPPORT_ADDRESS : null,
      requester_id: this.userId(sk.requester),
      submitter_id: this.userId(sk.submitter),
      assignee_id: sk.assignee === null ? null : this.userId(sk.assignee),
      organization_id: orgs[0] !== undefined ? this.orgId(orgs[0]) : null,
      group_id: sk.assignee === null ? null : ID.group + (sk.assignee % 3),
      collaborator_ids: sk.ccs.map((u) => this.userId(u)),
      follower_ids: sk.followers.map((u) => this.userId(u)),
      email_cc_ids: sk.ccs.map((u) => this.userId(u)),
      problem_id: null,
      has_incidents: false,
      is_public: sk.comments.some((c) => c.isPublic),
      due_at: null,
      tags,
      custom_fields: [
        { id: 360_001, value: r.chance(0.5) ? `ORD-${100000 + r.int(900000)}` : null },
        // Free-text custom field that agents misuse for personal data.
        { id: 360_002, value: r.chance(0.1) ? `Caller: ${requesterName}, DOB 19${60 + r.int(40)}-0${1 + r.int(9)}-2${r.int(9)}` : null },
      ],
      satisfaction_rating: satisfied
        ? r.chance(0.5)
          ? { id: ID.rating + ti, score: 'good', comment: `Thanks, ${this.displayName(sk.assignee ?? 1).trim()} was great` }
          : { id: ID.rating + ti, score: 'bad', comment: null }
        : null,
      sharing_agreement_ids: [],
      followup_ids: [],
      ticket_form_id: 360_100,
      brand_id: 360_200,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    };
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export { iso as isoSeconds };
