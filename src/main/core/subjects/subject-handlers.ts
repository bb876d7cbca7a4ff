import type { PersonLinks, subjectOperations } from '../../../shared/contract/groups/subjects';
import type { CoreServices, DomainHandlers } from '../services';
import { buildDossier } from './dossier';
import { FieldTitleCache } from './field-titles';
import { decideLink, openLinkRegister, openLinkStores, undoLink } from './links';
import { catchUpMentionIndex } from './mention-index';
import { pendingOf, resolvePerson, type Person } from './person';
import { DEFAULT_LIMIT, searchSubjects } from './search';
import { subjectRefFor, userIdOfRef } from './subject-ref';
import { workspaceCache } from './workspace-cache';
import { WorkspaceClients } from '../workspaces/workspace-clients';
import { lookForSubject } from './surface-look';

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
  const fieldTitles = new FieldTitleCache(s);
  const open = async (workspaceId: string | undefined) => {
    const { workspaceId: id, cache } = await workspaceCache(s, workspaceId);
    return { workspaceId: id, cache, stores: await openLinkStores(s, id, cache.db) };
  };
  let clients: WorkspaceClients | undefined;
  const read = async (workspaceId: string | undefined) => {
    const { workspaceId: id, cache } = await workspaceCache(s, workspaceId);
    return { workspaceId: id, cache, register: await openLinkRegister(s, id, cache.db) };
  };
  /** Confirms or rejects a suggested link, with the officer's reason. */
  const decide = async (
    {
      workspaceId,
      ref,
      userId,
      reason,
      by,
      requestId,
    }: {
      workspaceId?: string | undefined;
      ref: string;
      userId: number;
      reason: string;
      by?: string | undefined;
      requestId?: string | undefined;
    },
    decision: 'confirmed' | 'rejected',
  ): Promise<PersonLinks> => {
    const { cache, stores } = await open(workspaceId);
    const person = await decideLink(cache.db, stores, {
      subjectUserId: userIdOfRef(ref),
      otherUserId: userId,
      decision,
      reason,
      by,
      requestId,
    });
    s.log.info(`identity link ${decision}`, { ref });
    return personLinks(person);
  };
  return {
    'subjects.search': async ({ workspaceId, query, limit }) => {
      const { cache, register } = await read(workspaceId);
      // A full address is also looked up in comments (the mention index): bring it up to date first.
      await catchUpMentionIndex(cache.db);
      return searchSubjects(cache.db, register, query, limit ?? DEFAULT_LIMIT);
    },
    'subjects.show': async ({ workspaceId, ref, limit, offsets }) => {
      const { workspaceId: id, cache, register } = await read(workspaceId);
      // In slices, taking the lock only when free: a dossier opened mid-sync never freezes the window.
      await catchUpMentionIndex(cache.db);
      const titles = await fieldTitles.titles(id);
      return buildDossier(cache.db, register, userIdOfRef(ref), {
        workspaceId: id,
        fieldTitles: titles,
        mentionIndexCaughtUp: true,
        ...(limit ? { limit } : {}),
        ...(offsets ? { offsets } : {}),
      });
    },
    'subjects.look': async ({ workspaceId, ref, surfaces }) => {
      const { workspaceId: id, cache, register } = await read(workspaceId);
      const userId = userIdOfRef(ref);
      const client = await (clients ??= new WorkspaceClients(s, undefined)).client(id);
      await lookForSubject(cache.db, register, client, userId, id, surfaces);
      return {
        ref,
        coverage: buildDossier(cache.db, register, userId, { workspaceId: id, limit: 1, mentionIndexCaughtUp: true }).coverage,
      };
    },
    'subjects.links': async ({ workspaceId, ref }) => {
      const { cache, register } = await read(workspaceId);
      return personLinks(resolvePerson(cache.db, register, userIdOfRef(ref)));
    },
    'subjects.link': (input) => decide(input, 'confirmed'),
    'subjects.reject': (input) => decide(input, 'rejected'),
    'subjects.unlink': async ({ workspaceId, ref, userId, by, requestId }) => {
      const { cache, stores } = await open(workspaceId);
      const person = await undoLink(cache.db, stores, { subjectUserId: userIdOfRef(ref), otherUserId: userId, by, requestId });
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
