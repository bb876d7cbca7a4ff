import { expect, it } from 'vitest';
import { helpCenterSurface } from './help-center';
import type { FoundItem } from './types';

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
