import { hash } from './rng';
import type { TicketView } from './state';
import type { AttachmentRecord, CommentRecord, IdentityRecord, MembershipRecord, OrganizationRecord, UserRecord } from './types';

/** Wire shapes: add the url fields Zendesk sends and drop the simulator's internal fields. */

export function userJson(rec: UserRecord, base: string): Record<string, unknown> {
  const { identities: _identities, ...rest } = rec;
  return { ...rest, url: `${base}/api/v2/users/${rec.id}.json` };
}

export function identityJson(i: IdentityRecord, base: string): Record<string, unknown> {
  return { ...i, url: `${base}/api/v2/users/${i.user_id}/identities/${i.id}.json` };
}

export function orgJson(o: OrganizationRecord, base: string): Record<string, unknown> {
  return { ...o, url: `${base}/api/v2/organizations/${o.id}.json` };
}

export function membershipJson(m: MembershipRecord, base: string): Record<string, unknown> {
  return { ...m, url: `${base}/api/v2/organization_memberships/${m.id}.json` };
}

export function ticketJson(v: TicketView, base: string): Record<string, unknown> {
  const status = v.state === 'live' ? v.rec.status : 'deleted';
  return { ...v.rec, status, url: `${base}/api/v2/tickets/${v.rec.id}.json` };
}

export function attachmentToken(seed: number, id: number): string {
  return `${id.toString(36)}${hash(seed, 77, id).toString(36)}`;
}

export function parseAttachmentToken(seed: number, token: string): number | undefined {
  for (let cut = 5; cut < token.length; cut++) {
    const id = parseInt(token.slice(0, cut), 36);
    if (Number.isSafeInteger(id) && attachmentToken(seed, id) === token) return id;
  }
  return undefined;
}

export function attachmentJson(a: AttachmentRecord, base: string, seed: number): Record<string, unknown> {
  const content = `${base}/attachments/token/${attachmentToken(seed, a.id)}/?name=${encodeURIComponent(a.file_name)}`;
  return { ...a, url: `${base}/api/v2/attachments/${a.id}.json`, content_url: content, mapped_content_url: content };
}

export function commentJson(c: CommentRecord, base: string, seed: number, includeInline = true): Record<string, unknown> {
  return { ...c, attachments: c.attachments.filter((a) => includeInline || !a.inline).map((a) => attachmentJson(a, base, seed)) };
}
