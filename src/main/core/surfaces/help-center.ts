import { z } from 'zod';
import type { SurfaceRole } from '../../../shared/schemas/surfaces';
import type { ZendeskClient } from '../helpdesk';
import { cursorPages } from '../helpdesk/pagination';
import { checkEach, isNotFound, singleOpHandler, unlessGone } from '../journal/helpdesk-handlers';
import type { Json } from '../journal/types';
import { SurfaceIncomplete, type FoundItem, type LookContext, type SurfaceDefinition, type SurfaceOpPayload } from './types';

/**
 * Help Center (Guide): the person's community posts, post comments, article comments, votes and
 * content subscriptions. Zendesk lists each per user (Help Center API reference,
 * developer.zendesk.com/api-reference/help_center/help-center-api/: posts "List Posts" by user,
 * post_comments and article_comments "List Comments" by user, votes "List Votes", subscriptions
 * "List Content Subscriptions By User"; cursor pages), so a look costs five listings per account
 * and no scan of the whole Help Center. Reading another user's content needs Guide rights: a
 * token without them gets 403, which the coverage table shows as "not searched: permission".
 *
 * Decisions follow what the API allows: comments, votes and subscriptions are deleted
 * (DELETE on the comment, `/help_center/votes/{id}`, and the subscription under its content); a
 * post only the person wrote in is deleted (its own comments go with it); a post others answered
 * is kept for their answers with the person's words replaced by a notice (PUT title and details),
 * because deleting it would take the others' contributions, and `author_id` is read-only after
 * creation, so its byline can only go with the person's account.
 */

const Post = z.looseObject({
  id: z.number().int().positive(),
  title: z.string().nullable().optional(),
  details: z.string().nullable().optional(),
  author_id: z.number().int().nullable().optional(),
  comment_count: z.number().int().nullable().optional(),
  created_at: z.string().nullable().optional(),
});
const PostComment = z.looseObject({
  id: z.number().int().positive(),
  body: z.string().nullable().optional(),
  author_id: z.number().int().nullable().optional(),
  post_id: z.number().int().positive(),
  created_at: z.string().nullable().optional(),
});
const ArticleComment = z.looseObject({
  id: z.number().int().positive(),
  body: z.string().nullable().optional(),
  author_id: z.number().int().nullable().optional(),
  source_id: z.number().int().positive(),
  created_at: z.string().nullable().optional(),
});
const Vote = z.looseObject({
  id: z.number().int().positive(),
  user_id: z.number().int().nullable().optional(),
  value: z.number().int().nullable().optional(),
  item_id: z.number().int().nullable().optional(),
  item_type: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
});
const Subscription = z.looseObject({
  id: z.number().int().positive(),
  user_id: z.number().int().nullable().optional(),
  content_id: z.number().int().positive(),
  content_type: z.string(),
  created_at: z.string().nullable().optional(),
});

const PAGE = 100;
/** Pages of one listing a look reads at most (5,000 items: a very active member), then "incomplete". */
const MAX_PAGES = 50;

/** Where Zendesk keeps a subscription, by the content it follows (Help Center API, subscriptions). */
const SUBSCRIPTION_TEMPLATES: Record<string, string> = {
  Article: '/api/v2/help_center/articles/{content_id}/subscriptions/{id}',
  Section: '/api/v2/help_center/sections/{content_id}/subscriptions/{id}',
  Post: '/api/v2/community/posts/{content_id}/subscriptions/{id}',
  Topic: '/api/v2/community/topics/{content_id}/subscriptions/{id}',
};

export const REMOVED_TITLE = '[Removed at the author’s request]';
export const REMOVED_DETAILS = '<p>This post was removed at its author’s request. The answers below are kept.</p>';

/** The item's id says what it is and where it lives, so a journal operation needs nothing else. */
export type HelpCenterRef =
  | { kind: 'post'; id: number }
  | { kind: 'post_comment'; postId: number; id: number }
  | { kind: 'article_comment'; articleId: number; id: number }
  | { kind: 'vote'; id: number }
  | { kind: 'subscription'; contentType: string; contentId: number; id: number };

const N = '(\\d{1,15})';
export function parseHelpCenterId(itemId: string): HelpCenterRef | null {
  let m = new RegExp(`^post:${N}$`).exec(itemId);
  if (m) return { kind: 'post', id: Number(m[1]) };
  m = new RegExp(`^post_comment:${N}:${N}$`).exec(itemId);
  if (m) return { kind: 'post_comment', postId: Number(m[1]), id: Number(m[2]) };
  m = new RegExp(`^article_comment:${N}:${N}$`).exec(itemId);
  if (m) return { kind: 'article_comment', articleId: Number(m[1]), id: Number(m[2]) };
  m = new RegExp(`^vote:${N}$`).exec(itemId);
  if (m) return { kind: 'vote', id: Number(m[1]) };
  m = new RegExp(`^subscription:([A-Za-z]{1,40}):${N}:${N}$`).exec(itemId);
  if (m) return { kind: 'subscription', contentType: m[1]!, contentId: Number(m[2]), id: Number(m[3]) };
  return null;
}

/** The item's own API address (show and delete), or null for a subscription Lethe has no path for. */
function itemCall(ref: HelpCenterRef): { template: string; params: Record<string, number> } | null {
  switch (ref.kind) {
    case 'post':
      return { template: '/api/v2/community/posts/{post_id}', params: { post_id: ref.id } };
    case 'post_comment':
      return { template: '/api/v2/community/posts/{post_id}/comments/{comment_id}', params: { post_id: ref.postId, comment_id: ref.id } };
    case 'article_comment':
      return {
        template: '/api/v2/help_center/articles/{article_id}/comments/{comment_id}',
        params: { article_id: ref.articleId, comment_id: ref.id },
      };
    case 'vote':
      return { template: '/api/v2/help_center/votes/{vote_id}', params: { vote_id: ref.id } };
    case 'subscription': {
      const template = SUBSCRIPTION_TEMPLATES[ref.contentType];
      return template ? { template, params: { content_id: ref.contentId, id: ref.id } } : null;
    }
  }
}

/** A Help Center item as stored: its kind, and for a post how many comments others wrote on it. */
interface HelpCenterItem extends FoundItem {
  /** Comments others wrote on a post; null when Zendesk gave no count (then the post is not deleted). */
  othersComments?: number | null;
}

const text = (...xs: Array<string | null | undefined>): string[] => xs.filter((s): s is string => typeof s === 'string' && s.length > 0);
const plain = (html: string | null | undefined): string =>
  (html ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const json = (x: unknown): Record<string, Json> => JSON.parse(JSON.stringify(x)) as Record<string, Json>;

async function listAll<T>(ctx: LookContext, template: string, userId: number, key: string, item: z.ZodType<T>): Promise<T[]> {
  const out: T[] = [];
  const pages = cursorPages(
    ctx.client.transport,
    { spec: { method: 'GET', template, params: { user_id: userId }, signal: ctx.signal }, key, item },
    PAGE,
  );
  let n = 0;
  for await (const page of pages) {
    out.push(...page.items);
    if (++n >= MAX_PAGES && page.hasMore)
      throw new SurfaceIncomplete(
        `Read ${out.length} of the person's ${key} in Help Center within the look's bound; more remain: look again`,
      );
  }
  return out;
}

async function lookAccount(ctx: LookContext, userId: number): Promise<HelpCenterItem[]> {
  const posts = await listAll(ctx, '/api/v2/community/users/{user_id}/posts', userId, 'posts', Post);
  const postComments = await listAll(ctx, '/api/v2/community/users/{user_id}/comments', userId, 'comments', PostComment);
  const articleComments = await listAll(ctx, '/api/v2/help_center/users/{user_id}/comments', userId, 'comments', ArticleComment);
  const votes = await listAll(ctx, '/api/v2/help_center/users/{user_id}/votes', userId, 'votes', Vote);
  const subscriptions = await listAll(ctx, '/api/v2/help_center/users/{user_id}/subscriptions', userId, 'subscriptions', Subscription);
  const account = ctx.subject.userIds.length > 1 ? ` (account ${userId})` : '';
  const base = { surface: 'help_center' as const, ticketId: null };
  const own = new Map<number, number>();
  for (const c of postComments) own.set(c.post_id, (own.get(c.post_id) ?? 0) + 1);
  const out: HelpCenterItem[] = [];
  for (const p of posts) {
    // Zendesk may send no count: unknown is not "nobody answered", so such a post is kept, redacted.
    const others = p.comment_count == null ? null : Math.max(0, p.comment_count - (own.get(p.id) ?? 0));
    out.push({
      ...base,
      id: `post:${p.id}`,
      label: `Community post: ${p.title ?? '(no title)'}`,
      at: p.created_at ?? null,
      roles: ['author'],
      why: `wrote this community post${account}${others === null ? '; Zendesk did not say how many comments answer it' : others > 0 ? `; ${others} comment(s) by others answer it` : ''}`,
      record: json(p),
      provided: { title: p.title ?? null, details: plain(p.details), postedAt: p.created_at ?? null },
      strings: text(p.title, p.details),
      othersComments: others,
    });
  }
  for (const c of postComments)
    out.push({
      ...base,
      id: `post_comment:${c.post_id}:${c.id}`,
      label: `Comment on community post ${c.post_id}: “${plain(c.body).slice(0, 100)}”`,
      at: c.created_at ?? null,
      roles: ['commenter'],
      why: `wrote this comment on a community post${account}`,
      record: json(c),
      provided: { body: plain(c.body), postId: c.post_id, postedAt: c.created_at ?? null },
      strings: text(c.body),
    });
  for (const c of articleComments)
    out.push({
      ...base,
      id: `article_comment:${c.source_id}:${c.id}`,
      label: `Comment on article ${c.source_id}: “${plain(c.body).slice(0, 100)}”`,
      at: c.created_at ?? null,
      roles: ['commenter'],
      why: `wrote this comment on a knowledge base article${account}`,
      record: json(c),
      provided: { body: plain(c.body), articleId: c.source_id, postedAt: c.created_at ?? null },
      strings: text(c.body),
    });
  for (const v of votes)
    out.push({
      ...base,
      id: `vote:${v.id}`,
      label: `${(v.value ?? 0) < 0 ? 'Down' : 'Up'}vote on ${v.item_type ?? 'an item'} ${v.item_id ?? ''}`.trim(),
      at: v.created_at ?? null,
      roles: ['voter' satisfies SurfaceRole],
      why: `cast this vote${account}`,
      record: json(v),
      provided: { itemType: v.item_type ?? null, itemId: v.item_id ?? null, value: v.value ?? null, votedAt: v.created_at ?? null },
      strings: [],
    });
  for (const s of subscriptions)
    out.push({
      ...base,
      id: `subscription:${s.content_type.replace(/[^A-Za-z]/g, '') || 'Unknown'}:${s.content_id}:${s.id}`,
      label: `Follows ${s.content_type} ${s.content_id}`,
      at: s.created_at ?? null,
      roles: ['subscriber' satisfies SurfaceRole],
      why: `subscribed to this ${s.content_type.toLowerCase()}${account}: Zendesk notifies them of new content`,
      record: json(s),
      provided: { contentType: s.content_type, contentId: s.content_id, since: s.created_at ?? null },
      strings: [],
    });
  return out;
}

/** Reads the item back: null when it is gone (404), else the item's body. */
async function readBack(client: ZendeskClient, ref: HelpCenterRef, signal?: AbortSignal): Promise<Record<string, unknown> | null> {
  const call = itemCall(ref);
  if (!call) return {};
  try {
    return z.looseObject({}).parse(await client.transport.json({ method: 'GET', ...call, signal }));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Whether the item still holds the person after the operation: gone, or (a redacted post) none of their words left. */
async function stillHolds(client: ZendeskClient, op: SurfaceOpPayload, signal?: AbortSignal): Promise<boolean> {
  const ref = parseHelpCenterId(op.itemId);
  if (!ref) return true;
  const body = await readBack(client, ref, signal);
  if (body === null) return false;
  if (op.decision !== 'redact' || ref.kind !== 'post') return true;
  const post = (body.post ?? {}) as { title?: unknown; details?: unknown };
  const now = `${String(post.title ?? '')}\n${String(post.details ?? '')}`;
  return op.strings.some((s) => s !== REMOVED_TITLE && s !== REMOVED_DETAILS && now.includes(s));
}

export const helpCenterSurface: SurfaceDefinition = {
  id: 'help_center',
  label: 'Help Center (community posts, comments, votes, subscriptions)',
  read: 'on_demand',
  async look(ctx) {
    const out: FoundItem[] = [];
    for (const userId of ctx.subject.userIds) out.push(...(await lookAccount(ctx, userId)));
    return out;
  },
  decide(item) {
    const ref = parseHelpCenterId(item.id);
    const deleted = (reasonCode: string, reason: string) => ({
      decision: 'delete' as const,
      reasonCode,
      reason,
      legalBasis: null,
      fix: null,
    });
    switch (ref?.kind) {
      case 'post':
        if ((item as HelpCenterItem).othersComments === 0)
          return deleted('hc_post', 'A community post nobody else answered: deleted, with the person’s own comments on it');
        return {
          decision: 'redact',
          reasonCode: 'hc_post_answered',
          reason:
            'Others answered this post: its title and text are replaced by a removal notice and their answers stay. Zendesk’s API cannot change a post’s author (author_id is read-only after creation), so the byline goes with the person’s account when it is deleted',
          legalBasis: 'Other members’ answers in the thread are their own contributions; only the person’s words are removed',
          fix: null,
        };
      case 'post_comment':
        return deleted('hc_post_comment', 'The person’s comment on a community post: deleted');
      case 'article_comment':
        return deleted('hc_article_comment', 'The person’s comment on a knowledge base article: deleted');
      case 'vote':
        return deleted('hc_vote', 'A vote the person cast: deleted (the item’s vote count drops by one)');
      case 'subscription':
        if (itemCall(ref)) return deleted('hc_subscription', 'A subscription of the person: deleted, so Zendesk stops notifying them');
        return {
          decision: 'blocked',
          reasonCode: 'hc_subscription_unknown_type',
          reason: `Zendesk's API offers no delete path Lethe knows for a subscription to a ${ref.contentType}`,
          legalBasis: null,
          fix: 'Remove it in Guide (the person’s profile, Following), or ask Zendesk support',
        };
      default:
        return {
          decision: 'blocked',
          reasonCode: 'hc_unknown_item',
          reason: 'Not a Help Center item Lethe can address',
          legalBasis: null,
          fix: 'Look again, then plan again',
        };
    }
  },
  handler(client) {
    return singleOpHandler({
      concurrency: 2,
      async send(op, signal) {
        const p = op.payload as unknown as SurfaceOpPayload;
        const ref = parseHelpCenterId(p.itemId);
        const call = ref ? itemCall(ref) : null;
        if (!ref || !call)
          return { opId: op.id, outcome: 'failed', code: 'invalid_input', message: `not a Help Center item Lethe can address` };
        if (p.decision === 'redact') {
          if (ref.kind !== 'post') return { opId: op.id, outcome: 'failed', code: 'invalid_input', message: 'only a post is redacted' };
          await unlessGone(() =>
            client.transport.json({ method: 'PUT', ...call, body: { post: { title: REMOVED_TITLE, details: REMOVED_DETAILS } }, signal }),
          );
        } else await unlessGone(() => client.transport.json({ method: 'DELETE', ...call, signal }));
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) => {
        const p = op.payload as unknown as SurfaceOpPayload;
        return (await stillHolds(client, p, signal)) ? { opId: op.id, state: 'absent' } : { opId: op.id, state: 'done' };
      }),
    });
  },
  stillThere: (client, op, signal) => stillHolds(client, op, signal),
};
