import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedHelpdesk, type ScriptedHelpdesk } from '../../../../test/support/scripted-helpdesk';
import { helpCenterSurface } from './help-center';
import { SurfaceIncomplete, type FoundItem } from './types';

const post = (othersComments: number | null | undefined): FoundItem & { othersComments?: number | null } => ({
  surface: 'help_center',
  id: 'post:860000000001',
  ticketId: null,
  label: 'Community post: Hello',
  at: null,
  roles: ['author'],
  why: 'wrote this community post',
  record: {},
  provided: null,
  strings: ['Hello'],
  ...(othersComments === undefined ? {} : { othersComments }),
});

it('deletes a post only when Zendesk said nobody else answered it; an unknown count keeps it, redacted', () => {
  const decide = (n: number | null | undefined) => helpCenterSurface.decide!(post(n), {} as never);
  expect(decide(0)).toMatchObject({ decision: 'delete', reasonCode: 'hc_post' });
  expect(decide(2)).toMatchObject({ decision: 'redact', reasonCode: 'hc_post_answered' });
  expect(decide(null)).toMatchObject({ decision: 'redact', reasonCode: 'hc_post_answered' });
  expect(decide(undefined)).toMatchObject({ decision: 'redact', reasonCode: 'hc_post_answered' });
});

describe('a listing longer than the look reads', () => {
  let helpdesk: ScriptedHelpdesk | undefined;
  afterEach(async () => {
    await helpdesk?.close();
    helpdesk = undefined;
  });

  /** User 7 wrote `pages` posts, one a page (cursor pagination); the other listings are empty. */
  const postsOver = (pages: number) =>
    startScriptedHelpdesk((path, url) => {
      const empty = (key: string) => ({ [key]: [], meta: { has_more: false, after_cursor: null }, links: { next: null } });
      if (path === '/api/v2/community/users/7/posts') {
        const n = Number(url.searchParams.get('n') ?? '1');
        const more = n < pages;
        return {
          posts: [{ id: n, title: `Post ${n}`, details: '<p>words</p>', author_id: 7, comment_count: 0 }],
          meta: { has_more: more, after_cursor: more ? `c${n}` : null },
          links: { next: more ? `${helpdesk!.origin}${path}?n=${n + 1}` : null },
        };
      }
      if (path === '/api/v2/community/users/7/comments' || path === '/api/v2/help_center/users/7/comments') return empty('comments');
      if (path === '/api/v2/help_center/users/7/votes') return empty('votes');
      if (path === '/api/v2/help_center/users/7/subscriptions') return empty('subscriptions');
      return undefined;
    });
  const subject = { userIds: [7], emails: [], phones: [], names: [], ticketIds: [], otherTicketIds: [] } as never;

  it('is incomplete after 50 pages, saying how many it read, and asks for no 51st', async () => {
    helpdesk = await postsOver(51);
    const look = helpCenterSurface.look!({ client: helpdesk.client, subject });
    await expect(look).rejects.toBeInstanceOf(SurfaceIncomplete);
    await expect(look).rejects.toThrow(/Read 50 of the person's posts/);
    expect(helpdesk.requested.filter((r) => r.includes('/community/users/7/posts'))).toHaveLength(50);
  });

  it('is read whole when it ends on the 50th page', async () => {
    helpdesk = await postsOver(50);
    const items = await helpCenterSurface.look!({ client: helpdesk.client, subject });
    expect(items.filter((i) => i.id.startsWith('post:'))).toHaveLength(50);
  });
});
