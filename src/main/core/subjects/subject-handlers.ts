import type { PersonLinks, subjectOperations } from '../../../shared/contract/groups/subjects';
import type { CoreServices, DomainHandlers } from '../services';
import { buildDossier } from './dossier';
import { decideLink, openLinkRegister, openLinkStores, undoLink } from './links';
import { catchUpMentionIndex } from './mention-index';
import { pendingOf, resolvePerson, type Person } from './person';
import { DEFAULT_LIMIT, searchSubjects } from './search';
import { subjectRefFor, userIdOfRef } from './subject-ref';
import { workspaceCache } from './workspace-cache';

export function personLinks(person: Person): PersonLinks {
  return {
    ref: subjectRefFor(person.userId),
    accounts: person.userIds.map((userId) => ({ userId, why: person.why.get(userId) ?? { kind: 'requested' } })),
    suggestions: person.suggestions,
    pending: pendingOf(person).length,
    suggestionsTruncated: person.suggestionsTruncated,
    truncated: person.truncated,
  };
}

export function createSubjectHandlers(s: CoreServices): DomainHandlers<typeof subjectOperations> {
  const open = async (workspaceId: string | undefined) => {
    const { workspaceId: id, cache } = await workspaceCache(s, workspaceId);
    return { workspaceId: id, cache, stores: await openLinkStores(s, id, cache.db) };
  };
  const read = async (workspaceId: string | undefined) => {
    const { workspaceId: id, cache } = await workspaceCache(s, workspaceId);
    return { workspaceId: id, cache, register: await openLinkRegister(s, id, cache.db) };
  };
  return {
    'subjects.search': async ({ workspaceId, query, limit }) => {
      const { cache, register } = await read(workspaceId);
      return searchSubjects(cache.db, register, query, limit ?? DEFAULT_LIMIT);
    },
    'subjects.show': async ({ workspaceId, ref, limit, offsets }) => {
      const { workspaceId: id, cache, register } = await read(workspaceId);
      // In slices, taking the lock only when free: a dossier opened mid-sync never freezes the window.
      await catchUpMentionIndex(cache.db);
      return buildDossier(cache.db, register, userIdOfRef(ref), {
        workspaceId: id,
        mentionIndexCaughtUp: true,
        ...(limit ? { limit } : {}),
        ...(offsets ? { offsets } : {}),
      });
    },
    'subjects.links': async ({ workspaceId, ref }) => {
      const { cache, register } = await read(workspaceId);
      return personLinks(resolvePerson(cache.db, register, userIdOfRef(ref)));
    },
    'subjects.link': async ({ workspaceId, ref, userId, reason, by }) => {
      const { cache, stores } = await open(workspaceId);
      const person = await decideLink(cache.db, stores, {
        subjectUserId: userIdOfRef(ref),
        otherUserId: userId,
        decision: 'confirmed',
        reason,
        by,
      });
      s.log.info('identity link confirmed', { ref });
      return personLinks(person);
    },
    'subjects.reject': async ({ workspaceId, ref, userId, reason, by }) => {
      const { cache, stores } = await open(workspaceId);
      const person = await decideLink(cache.db, stores, {
        subjectUserId: userIdOfRef(ref),
        otherUserId: userId,
        decision: 'rejected',
        reason,
        by,
      });
      s.log.info('identity link rejected', { ref });
      return personLinks(person);
    },
    'subjects.unlink': async ({ workspaceId, ref, userId, by }) => {
      const { cache, stores } = await open(workspaceId);
      const person = await undoLink(cache.db, stores, { subjectUserId: userIdOfRef(ref), otherUserId: userId, by });
      s.log.info('identity link decision undone', { ref });
      return personLinks(person);
    },
    'subjects.merge': async ({ workspaceId, ref, userId, reason }) => {
      const { cache, stores } = await open(workspaceId);
      const person = await decideLink(cache.db, stores, {
        subjectUserId: userIdOfRef(ref),
        otherUserId: userId,
        decision: 'confirmed',
        reason,
      });
      s.log.info('subject accounts merged by hand', { ref });
      return { ref, accounts: person.userIds };
    },
    'subjects.unmerge': async ({ workspaceId, ref, userId }) => {
      const { cache, stores } = await open(workspaceId);
      const person = await undoLink(cache.db, stores, { subjectUserId: userIdOfRef(ref), otherUserId: userId });
      s.log.info('manual merge of subject accounts undone', { ref });
      return { ref, accounts: person.userIds };
    },
  };
}
