import { isoSeconds, type Dataset } from './dataset';
import type { Caller } from './http';
import { hash } from './rng';
import type { SimState } from './state';
import { SIM_STREAM } from './streams';

/**
 * Help Center (Guide) content, generated lazily per index like the rest of the dataset, on its own
 * hash stream: community posts (mostly by end users, some by agents) with 0–3 comments each (some
 * by the post's author, most by others), article comments, votes (on posts, post comments,
 * articles and article comments) and content subscriptions (to articles, sections, posts and
 * topics). Counts follow the number of users, so every dataset size has them, and the people are
 * the dataset's own end users, so many also have tickets, ratings or suspended e-mails.
 *
 * Shapes follow Zendesk's Help Center API reference (developer.zendesk.com/api-reference/help_center/
 * help-center-api/: posts, post_comments, article_comments, votes, subscriptions); routes are in
 * help-center-routes.ts. State: one set of deleted ids (every kind has its own id range) and the
 * posts' edited title/details.
 */

const STREAM = SIM_STREAM.helpCenter;

export const HC_ID = {
  post: 860_000_000_000,
  postComment: 861_000_000_000,
  articleComment: 862_000_000_000,
  vote: 863_000_000_000,
  subscription: 864_000_000_000,
  article: 865_000_000_000,
  section: 866_000_000_000,
  topic: 867_000_000_000,
} as const;

const ARTICLES = 12;
const SECTIONS = 3;
const TOPICS = 4;
const COMMENT_SLOTS = 4;

export const postCount = (ds: Dataset): number => Math.max(6, Math.floor(ds.userCount / 4));
export const articleCommentCount = (ds: Dataset): number => Math.max(6, Math.floor(ds.userCount / 4));
export const voteCount = (ds: Dataset): number => Math.max(10, Math.floor(ds.userCount / 2));
export const subscriptionCount = (ds: Dataset): number => Math.max(8, Math.floor(ds.userCount / 3));
/** How many comments post k was given (0–3). */
export const commentsOnPost = (ds: Dataset, k: number): number => hash(ds.seed, STREAM, k, 1) % COMMENT_SLOTS;

export const postId = (k: number): number => HC_ID.post + k;
export const postCommentId = (k: number, j: number): number => HC_ID.postComment + k * COMMENT_SLOTS + j;

// ---- state --------------------------------------------------------------------------------

export interface HelpCenterOverlay {
  deleted: Set<number>;
  postEdits: Map<number, { title?: string; details?: string; updatedMs: number }>;
  /** Callers (user ids) whose Guide rights differ from the default: admins have them, agents not. */
  guideRights: Map<number, boolean>;
  trouble: { status: number; times: number } | null;
}

const overlays = new WeakMap<SimState, HelpCenterOverlay>();
export function helpCenterOverlay(state: SimState): HelpCenterOverlay {
  let o = overlays.get(state);
  if (!o) overlays.set(state, (o = { deleted: new Set(), postEdits: new Map(), guideRights: new Map(), trouble: null }));
  return o;
}

/**
 * Whether a token's user is a Help Center manager. Zendesk admins always are; agents only when
 * given the role. Tests flip it (also for the admin token) to see a connection without Guide rights.
 */
export function hasGuideRights(state: SimState, caller: Caller): boolean {
  return helpCenterOverlay(state).guideRights.get(caller.userId) ?? caller.role === 'admin';
}
export function setGuideRights(state: SimState, callerUserId: number, allowed: boolean): void {
  helpCenterOverlay(state).guideRights.set(callerUserId, allowed);
}
/** Scripted trouble for the per-user listings: the next `times` answer `status` (429 with Retry-After: 1). */
export function troubleHelpCenter(state: SimState, status: 429 | 500 | 503, times: number): void {
  helpCenterOverlay(state).trouble = { status, times };
}

// ---- who wrote what -----------------------------------------------------------------------

function pickUser(ds: Dataset, a: number, b: number, agentsToo: boolean): number {
  for (let tries = 0; tries < 8; tries++) {
    const i = 2 + (hash(ds.seed, STREAM, a, b + tries) % Math.max(1, ds.userCount - 2));
    if (agentsToo || !ds.isAgentIndex(i)) return i;
  }
  return Math.min(2, ds.userCount - 1);
}

const at = (ds: Dataset, a: number, b: number): number => ds.epochMs - (24 + (hash(ds.seed, STREAM, a, b) % 2000)) * 3_600_000;

export const postAuthor = (ds: Dataset, k: number): number => pickUser(ds, 1_000_000 + k, 10, hash(ds.seed, STREAM, k, 2) % 6 === 0);

export function postCommentAuthor(ds: Dataset, k: number, j: number): number {
  // A follow-up by the post's author, or an answer from someone else (an agent one time in four).
  if (j === 0 && hash(ds.seed, STREAM, k, 3) % 3 === 0) return postAuthor(ds, k);
  return pickUser(ds, 2_000_000 + k * COMMENT_SLOTS + j, 20, hash(ds.seed, STREAM, k, 30 + j) % 4 === 0);
}

export const articleCommentAuthor = (ds: Dataset, m: number): number => pickUser(ds, 3_000_000 + m, 40, false);
export const voter = (ds: Dataset, v: number): number => pickUser(ds, 4_000_000 + v, 50, hash(ds.seed, STREAM, v, 4) % 8 === 0);
export const subscriber = (ds: Dataset, s: number): number => pickUser(ds, 5_000_000 + s, 60, false);

/** What vote v is on: a post, a post comment, an article or an article comment. */
export function voteTarget(ds: Dataset, v: number): { type: 'Post' | 'PostComment' | 'Article' | 'Comment'; id: number } {
  const pick = hash(ds.seed, STREAM, v, 5) % 4;
  const k = hash(ds.seed, STREAM, v, 6) % postCount(ds);
  if (pick === 1 && commentsOnPost(ds, k) > 0) return { type: 'PostComment', id: postCommentId(k, 0) };
  if (pick === 2) return { type: 'Article', id: HC_ID.article + (hash(ds.seed, STREAM, v, 7) % ARTICLES) };
  if (pick === 3) return { type: 'Comment', id: HC_ID.articleComment + (hash(ds.seed, STREAM, v, 8) % articleCommentCount(ds)) };
  return { type: 'Post', id: postId(k) };
}

export type ContentType = 'Article' | 'Section' | 'Post' | 'Topic';
export function subscriptionTarget(ds: Dataset, s: number): { type: ContentType; id: number } {
  const pick = hash(ds.seed, STREAM, s, 9) % 4;
  if (pick === 0) return { type: 'Article', id: HC_ID.article + (hash(ds.seed, STREAM, s, 10) % ARTICLES) };
  if (pick === 1) return { type: 'Section', id: HC_ID.section + (hash(ds.seed, STREAM, s, 10) % SECTIONS) };
  if (pick === 2) return { type: 'Topic', id: HC_ID.topic + (hash(ds.seed, STREAM, s, 10) % TOPICS) };
  return { type: 'Post', id: postId(hash(ds.seed, STREAM, s, 10) % postCount(ds)) };
}

// ---- records ------------------------------------------------------------------------------

const TITLES = [
  'How do I change my delivery address?',
  'Feature request: export my order history',
  'App keeps logging me out',
  'Tip: faster checkout with saved cards',
  'Refund took three weeks, is that normal?',
];

function signature(ds: Dataset, i: number, a: number, b: number): string {
  const name = ds.displayName(i).trim();
  const phone = ds.phone(i);
  const email = ds.primaryEmail(i);
  const extra = hash(ds.seed, STREAM, a, b) % 3;
  if (extra === 0 && phone) return ` ${name}, ${phone}`;
  if (extra === 1 && email) return ` ${name} (${email})`;
  return ` ${name}`;
}

/** A post as Zendesk serves it; undefined when it is deleted. */
export function postRecord(state: SimState, k: number, base: string): Record<string, unknown> | undefined {
  const ds = state.ds;
  const id = postId(k);
  const o = helpCenterOverlay(state);
  if (k < 0 || k >= postCount(ds) || o.deleted.has(id)) return undefined;
  const author = postAuthor(ds, k);
  const createdMs = at(ds, k, 11);
  const edit = o.postEdits.get(id);
  let comments = 0;
  for (let j = 0; j < commentsOnPost(ds, k); j++) if (!o.deleted.has(postCommentId(k, j))) comments++;
  return {
    id,
    url: `${base}/api/v2/community/posts/${id}.json`,
    html_url: `${base}/hc/en-us/community/posts/${id}`,
    title: edit?.title ?? TITLES[hash(ds.seed, STREAM, k, 12) % TITLES.length],
    details: edit?.details ?? `<p>Hello all, I have a question about my account.${signature(ds, author, k, 13)}</p>`,
    author_id: ds.userId(author),
    vote_sum: hash(ds.seed, STREAM, k, 14) % 7,
    vote_count: hash(ds.seed, STREAM, k, 14) % 9,
    comment_count: comments,
    follower_count: 1 + (hash(ds.seed, STREAM, k, 15) % 4),
    topic_id: HC_ID.topic + (hash(ds.seed, STREAM, k, 16) % TOPICS),
    featured: false,
    pinned: false,
    closed: false,
    status: 'none',
    content_tag_ids: [],
    non_author_editor_id: edit ? 1 : null,
    non_author_updated_at: edit ? isoSeconds(edit.updatedMs) : null,
    created_at: isoSeconds(createdMs),
    updated_at: isoSeconds(edit?.updatedMs ?? createdMs),
  };
}

/** A post comment; undefined when it or its post is deleted. */
export function postCommentRecord(state: SimState, k: number, j: number, base: string): Record<string, unknown> | undefined {
  const ds = state.ds;
  const id = postCommentId(k, j);
  const o = helpCenterOverlay(state);
  if (j < 0 || j >= commentsOnPost(ds, k) || o.deleted.has(id) || o.deleted.has(postId(k)) || k >= postCount(ds)) return undefined;
  const author = postCommentAuthor(ds, k, j);
  const ms = at(ds, k, 11) + (j + 1) * 3_600_000;
  const own = author === postAuthor(ds, k);
  return {
    id,
    url: `${base}/api/v2/community/posts/${postId(k)}/comments/${id}.json`,
    html_url: `${base}/hc/en-us/community/posts/${postId(k)}/comments/${id}`,
    body: own
      ? `<p>Update: still happening for me.${signature(ds, author, k, 40 + j)}</p>`
      : `<p>Same here, I solved it by clearing the cache.${signature(ds, author, k, 40 + j)}</p>`,
    author_id: ds.userId(author),
    post_id: postId(k),
    official: ds.isAgentIndex(author),
    vote_sum: 0,
    vote_count: 0,
    non_author_editor_id: null,
    non_author_updated_at: null,
    created_at: isoSeconds(ms),
    updated_at: isoSeconds(ms),
  };
}

export function articleCommentRecord(state: SimState, m: number, base: string): Record<string, unknown> | undefined {
  const ds = state.ds;
  const id = HC_ID.articleComment + m;
  if (m < 0 || m >= articleCommentCount(ds) || helpCenterOverlay(state).deleted.has(id)) return undefined;
  const author = articleCommentAuthor(ds, m);
  const article = HC_ID.article + (hash(ds.seed, STREAM, m, 17) % ARTICLES);
  const ms = at(ds, m, 18);
  return {
    id,
    url: `${base}/api/v2/help_center/articles/${article}/comments/${id}.json`,
    html_url: `${base}/hc/en-us/articles/${article}#comment_${id}`,
    body: `<p>This did not work for me, please call me back.${signature(ds, author, m, 19)}</p>`,
    author_id: ds.userId(author),
    source_id: article,
    source_type: 'Article',
    locale: 'en-us',
    outdated: false,
    vote_sum: 0,
    vote_count: 0,
    non_author_editor_id: null,
    non_author_updated_at: null,
    created_at: isoSeconds(ms),
    updated_at: isoSeconds(ms),
  };
}

/** Whether the item a vote or subscription points at still exists. */
function targetLive(state: SimState, id: number): boolean {
  const o = helpCenterOverlay(state);
  if (o.deleted.has(id)) return false;
  if (id >= HC_ID.postComment && id < HC_ID.articleComment) {
    const k = Math.floor((id - HC_ID.postComment) / COMMENT_SLOTS);
    return !o.deleted.has(postId(k));
  }
  return true;
}

export function voteRecord(state: SimState, v: number, base: string): Record<string, unknown> | undefined {
  const ds = state.ds;
  const id = HC_ID.vote + v;
  if (v < 0 || v >= voteCount(ds) || helpCenterOverlay(state).deleted.has(id)) return undefined;
  const target = voteTarget(ds, v);
  if (!targetLive(state, target.id)) return undefined;
  const ms = at(ds, v, 20);
  return {
    id,
    url: `${base}/api/v2/help_center/votes/${id}.json`,
    user_id: ds.userId(voter(ds, v)),
    value: hash(ds.seed, STREAM, v, 21) % 4 === 0 ? -1 : 1,
    item_id: target.id,
    item_type: target.type,
    created_at: isoSeconds(ms),
    updated_at: isoSeconds(ms),
  };
}

const SUBSCRIPTION_PATH: Record<ContentType, string> = {
  Article: 'help_center/articles',
  Section: 'help_center/sections',
  Post: 'community/posts',
  Topic: 'community/topics',
};

export function subscriptionRecord(state: SimState, s: number, base: string): Record<string, unknown> | undefined {
  const ds = state.ds;
  const id = HC_ID.subscription + s;
  if (s < 0 || s >= subscriptionCount(ds) || helpCenterOverlay(state).deleted.has(id)) return undefined;
  const target = subscriptionTarget(ds, s);
  if (!targetLive(state, target.id)) return undefined;
  const ms = at(ds, s, 22);
  return {
    id,
    url: `${base}/api/v2/${SUBSCRIPTION_PATH[target.type]}/${target.id}/subscriptions/${id}.json`,
    user_id: ds.userId(subscriber(ds, s)),
    content_id: target.id,
    content_type: target.type,
    locale: 'en-us',
    include_comments: target.type === 'Section' || target.type === 'Topic',
    created_at: isoSeconds(ms),
    updated_at: isoSeconds(ms),
  };
}

// ---- by user ------------------------------------------------------------------------------

export interface ByUser {
  posts: number[];
  postComments: Array<[number, number]>;
  articleComments: number[];
  votes: number[];
  subscriptions: number[];
}

const indexes = new WeakMap<Dataset, Map<number, ByUser>>();
/** Generated items per user index, built once per dataset (what each person ever wrote). */
export function byUserIndex(ds: Dataset): Map<number, ByUser> {
  let idx = indexes.get(ds);
  if (idx) return idx;
  idx = new Map();
  const of = (i: number): ByUser => {
    let e = idx!.get(i);
    if (!e) idx!.set(i, (e = { posts: [], postComments: [], articleComments: [], votes: [], subscriptions: [] }));
    return e;
  };
  for (let k = 0; k < postCount(ds); k++) {
    of(postAuthor(ds, k)).posts.push(k);
    for (let j = 0; j < commentsOnPost(ds, k); j++) of(postCommentAuthor(ds, k, j)).postComments.push([k, j]);
  }
  for (let m = 0; m < articleCommentCount(ds); m++) of(articleCommentAuthor(ds, m)).articleComments.push(m);
  for (let v = 0; v < voteCount(ds); v++) of(voter(ds, v)).votes.push(v);
  for (let s = 0; s < subscriptionCount(ds); s++) of(subscriber(ds, s)).subscriptions.push(s);
  indexes.set(ds, idx);
  return idx;
}

export type HelpCenterKind = 'post' | 'post_comment' | 'article_comment' | 'vote' | 'subscription';

/**
 * Ground truth: the live Help Center items of the subject's accounts, by kind and id (posts and
 * comments they wrote, votes they cast, subscriptions they hold).
 */
export function helpCenterOf(state: SimState, userIds: readonly number[]): Array<{ kind: HelpCenterKind; id: number }> {
  const out: Array<{ kind: HelpCenterKind; id: number }> = [];
  for (const userId of userIds) {
    const i = state.ds.userIndex(userId);
    const e = i === undefined ? undefined : byUserIndex(state.ds).get(i);
    if (!e) continue;
    for (const k of e.posts) if (postRecord(state, k, '')) out.push({ kind: 'post', id: postId(k) });
    for (const [k, j] of e.postComments)
      if (postCommentRecord(state, k, j, '')) out.push({ kind: 'post_comment', id: postCommentId(k, j) });
    for (const m of e.articleComments)
      if (articleCommentRecord(state, m, '')) out.push({ kind: 'article_comment', id: HC_ID.articleComment + m });
    for (const v of e.votes) if (voteRecord(state, v, '')) out.push({ kind: 'vote', id: HC_ID.vote + v });
    for (const s of e.subscriptions) if (subscriptionRecord(state, s, '')) out.push({ kind: 'subscription', id: HC_ID.subscription + s });
  }
  return out;
}
