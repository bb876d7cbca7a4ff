import { bodyObject, forbidden, HttpError, idParam, notFound, paginate, type Ctx, type Router } from './http';
import { Reply } from './jobs';
import {
  HC_ID,
  articleCommentCount,
  articleCommentRecord,
  byUserIndex,
  hasGuideRights,
  helpCenterOverlay,
  postCommentId,
  postCommentRecord,
  postCount,
  postRecord,
  subscriptionCount,
  subscriptionRecord,
  voteCount,
  voteRecord,
  type ContentType,
} from './help-center';

/**
 * The Help Center API paths Lethe uses, as Zendesk's reference documents them
 * (developer.zendesk.com/api-reference/help_center/help-center-api/):
 *  - per-user listings, cursor (`page[size]`) or offset pages: `GET /api/v2/community/users/{id}/posts`
 *    ("posts"), `/community/users/{id}/comments` (post comments, "comments"),
 *    `/help_center/users/{id}/comments` (article comments, "comments"), `/help_center/users/{id}/votes`
 *    ("votes"), `/help_center/users/{id}/subscriptions` ("subscriptions");
 *  - show and delete (204): `/community/posts/{id}` (also PUT title/details: author_id is read-only
 *    after creation, so a PUT naming it leaves the author as it is), `/community/posts/{post_id}/comments/{id}`,
 *    `/help_center/articles/{article_id}/comments/{id}`, `/help_center/votes/{id}`, and a
 *    subscription under its content: `/help_center/articles|sections/{id}/subscriptions/{id}`,
 *    `/community/posts|topics/{id}/subscriptions/{id}`.
 * Deleting a post takes its comments with it, and votes and subscriptions on a deleted post go too.
 *
 * Rights (the simulator's model of Guide roles): a Help Center manager (admins always; an agent
 * only when granted, see setGuideRights) reads anyone's listings and moderates; anyone else may
 * read only their own listings and gets 403 otherwise, like a connection without Guide rights.
 */

function trouble(ctx: Ctx): void {
  const t = helpCenterOverlay(ctx.state).trouble;
  if (!t || t.times <= 0) return;
  t.times--;
  if (t.status === 429) throw new HttpError(429, { error: 'TooManyRequests' }, { 'Retry-After': '1' });
  throw new HttpError(t.status, { error: 'InternalServerError' });
}

/** The listed user's index, after the rights check; 404 for a user that never existed. */
function listedUser(ctx: Ctx): number {
  trouble(ctx);
  const userId = idParam(ctx, 'user_id');
  if (userId !== ctx.caller.userId && !hasGuideRights(ctx.state, ctx.caller)) throw forbidden();
  const i = ctx.state.ds.userIndex(userId);
  if (i === undefined || !ctx.state.userView(userId)) throw notFound();
  return i;
}

function manager(ctx: Ctx): void {
  if (!hasGuideRights(ctx.state, ctx.caller)) throw forbidden();
}

const defined = <T>(xs: Array<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);
const empty = { posts: [], postComments: [], articleComments: [], votes: [], subscriptions: [] };

/** Index k of an id in [base, base + count), or 404. */
function indexIn(id: number, base: number, count: number): number {
  const k = id - base;
  if (k < 0 || k >= count) throw notFound();
  return k;
}

function postIndex(ctx: Ctx, key = 'post_id'): number {
  return indexIn(idParam(ctx, key), HC_ID.post, postCount(ctx.state.ds));
}

function postComment(ctx: Ctx): { k: number; j: number; rec: Record<string, unknown> } {
  const k = postIndex(ctx);
  const id = idParam(ctx, 'comment_id');
  const j = id - postCommentId(k, 0);
  const rec = j >= 0 && j < 4 ? postCommentRecord(ctx.state, k, j, ctx.base) : undefined;
  if (!rec) throw notFound();
  return { k, j, rec };
}

function articleComment(ctx: Ctx): Record<string, unknown> {
  const m = indexIn(idParam(ctx, 'comment_id'), HC_ID.articleComment, articleCommentCount(ctx.state.ds));
  const rec = articleCommentRecord(ctx.state, m, ctx.base);
  if (!rec || rec.source_id !== idParam(ctx, 'article_id')) throw notFound();
  return rec;
}

function vote(ctx: Ctx): Record<string, unknown> {
  const rec = voteRecord(ctx.state, indexIn(idParam(ctx, 'vote_id'), HC_ID.vote, voteCount(ctx.state.ds)), ctx.base);
  if (!rec) throw notFound();
  return rec;
}

function subscription(ctx: Ctx, type: ContentType): Record<string, unknown> {
  const s = indexIn(idParam(ctx, 'subscription_id'), HC_ID.subscription, subscriptionCount(ctx.state.ds));
  const rec = subscriptionRecord(ctx.state, s, ctx.base);
  if (!rec || rec.content_type !== type || rec.content_id !== idParam(ctx, 'content_id')) throw notFound();
  return rec;
}

/** Only the author or a Help Center manager may change or delete an item. */
function mayModerate(ctx: Ctx, ownerId: unknown): void {
  if (ownerId !== ctx.caller.userId) manager(ctx);
}

const deleted = (ctx: Ctx, id: unknown): Reply => {
  helpCenterOverlay(ctx.state).deleted.add(id as number);
  return new Reply(204, undefined);
};

export function registerHelpCenterRoutes(r: Router): void {
  const mine = (ctx: Ctx) => byUserIndex(ctx.state.ds).get(listedUser(ctx)) ?? empty;
  r.add('GET', '/api/v2/community/users/:user_id/posts', (ctx) => {
    const rows = defined(mine(ctx).posts.map((k) => postRecord(ctx.state, k, ctx.base)));
    return paginate(ctx, rows, 'posts');
  });
  r.add('GET', '/api/v2/community/users/:user_id/comments', (ctx) => {
    const rows = defined(mine(ctx).postComments.map(([k, j]) => postCommentRecord(ctx.state, k, j, ctx.base)));
    return paginate(ctx, rows, 'comments');
  });
  r.add('GET', '/api/v2/help_center/users/:user_id/comments', (ctx) => {
    const rows = defined(mine(ctx).articleComments.map((m) => articleCommentRecord(ctx.state, m, ctx.base)));
    return paginate(ctx, rows, 'comments');
  });
  r.add('GET', '/api/v2/help_center/users/:user_id/votes', (ctx) =>
    paginate(ctx, defined(mine(ctx).votes.map((v) => voteRecord(ctx.state, v, ctx.base))), 'votes'),
  );
  r.add('GET', '/api/v2/help_center/users/:user_id/subscriptions', (ctx) =>
    paginate(ctx, defined(mine(ctx).subscriptions.map((s) => subscriptionRecord(ctx.state, s, ctx.base))), 'subscriptions'),
  );

  // Posts and their comments.
  const post = (ctx: Ctx): Record<string, unknown> => {
    const rec = postRecord(ctx.state, postIndex(ctx), ctx.base);
    if (!rec) throw notFound();
    return rec;
  };
  r.add('GET', '/api/v2/community/posts/:post_id', (ctx) => ({ post: post(ctx) }));
  r.add('PUT', '/api/v2/community/posts/:post_id', (ctx) => {
    const rec = post(ctx);
    mayModerate(ctx, rec.author_id);
    const body = bodyObject(ctx, 'post');
    const edit = { ...helpCenterOverlay(ctx.state).postEdits.get(rec.id as number), updatedMs: ctx.state.now() };
    if (typeof body.title === 'string') edit.title = body.title;
    if (typeof body.details === 'string') edit.details = body.details;
    helpCenterOverlay(ctx.state).postEdits.set(rec.id as number, edit);
    return { post: post(ctx) };
  });
  r.add('DELETE', '/api/v2/community/posts/:post_id', (ctx) => {
    const rec = post(ctx);
    mayModerate(ctx, rec.author_id);
    return deleted(ctx, rec.id);
  });
  r.add('GET', '/api/v2/community/posts/:post_id/comments', (ctx) => {
    const k = postIndex(ctx);
    if (!postRecord(ctx.state, k, ctx.base)) throw notFound();
    const rows = defined([0, 1, 2, 3].map((j) => postCommentRecord(ctx.state, k, j, ctx.base)));
    return paginate(ctx, rows, 'comments');
  });
  r.add('GET', '/api/v2/community/posts/:post_id/comments/:comment_id', (ctx) => ({ comment: postComment(ctx).rec }));
  r.add('DELETE', '/api/v2/community/posts/:post_id/comments/:comment_id', (ctx) => {
    const { rec } = postComment(ctx);
    mayModerate(ctx, rec.author_id);
    return deleted(ctx, rec.id);
  });

  // Article comments.
  r.add('GET', '/api/v2/help_center/articles/:article_id/comments/:comment_id', (ctx) => ({ comment: articleComment(ctx) }));
  r.add('DELETE', '/api/v2/help_center/articles/:article_id/comments/:comment_id', (ctx) => {
    const rec = articleComment(ctx);
    mayModerate(ctx, rec.author_id);
    return deleted(ctx, rec.id);
  });

  // Votes.
  r.add('GET', '/api/v2/help_center/votes/:vote_id', (ctx) => ({ vote: vote(ctx) }));
  r.add('DELETE', '/api/v2/help_center/votes/:vote_id', (ctx) => {
    const rec = vote(ctx);
    mayModerate(ctx, rec.user_id);
    return deleted(ctx, rec.id);
  });

  // Subscriptions, under the content they follow.
  const under: Array<[ContentType, string]> = [
    ['Article', '/api/v2/help_center/articles/:content_id/subscriptions/:subscription_id'],
    ['Section', '/api/v2/help_center/sections/:content_id/subscriptions/:subscription_id'],
    ['Post', '/api/v2/community/posts/:content_id/subscriptions/:subscription_id'],
    ['Topic', '/api/v2/community/topics/:content_id/subscriptions/:subscription_id'],
  ];
  for (const [type, path] of under) {
    r.add('GET', path, (ctx) => ({ subscription: subscription(ctx, type) }));
    r.add('DELETE', path, (ctx) => {
      const rec = subscription(ctx, type);
      mayModerate(ctx, rec.user_id);
      return deleted(ctx, rec.id);
    });
  }
}
