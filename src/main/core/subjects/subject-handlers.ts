import type { subjectOperations } from '../../../shared/contract/groups/subjects';
import type { CoreServices, DomainHandlers } from '../services';
import { mergeAccounts, subjectAccounts, unmergeAccounts } from './accounts';
import { buildDossier } from './dossier';
import { writeWhenFree } from '../db/write-when-free';
import { catchUpMentionIndex } from './mention-index';
import { DEFAULT_LIMIT, searchSubjects } from './search';
import { userIdOfRef } from './subject-ref';
import { workspaceCache } from './workspace-cache';

export function createSubjectHandlers(s: CoreServices): DomainHandlers<typeof subjectOperations> {
  return {
    'subjects.search': async ({ workspaceId, query, limit }) => {
      const { cache } = await workspaceCache(s, workspaceId);
      return searchSubjects(cache.db, query, limit ?? DEFAULT_LIMIT);
    },
    'subjects.show': async ({ workspaceId, ref, limit, offsets }) => {
      const { workspaceId: id, cache } = await workspaceCache(s, workspaceId);
      // In slices, taking the lock only when free: a dossier opened mid-sync never freezes the window.
      await catchUpMentionIndex(cache.db);
      return buildDossier(cache.db, userIdOfRef(ref), {
        workspaceId: id,
        mentionIndexCaughtUp: true,
        ...(limit ? { limit } : {}),
        ...(offsets ? { offsets } : {}),
      });
    },
    'subjects.merge': async ({ workspaceId, ref, userId, reason }) => {
      const { cache } = await workspaceCache(s, workspaceId);
      const primary = userIdOfRef(ref);
      await writeWhenFree(cache.db, () => mergeAccounts(cache.db, primary, userId, reason));
      s.log.info('subject accounts merged by hand', { ref });
      return { ref, accounts: subjectAccounts(cache.db, primary).userIds };
    },
    'subjects.unmerge': async ({ workspaceId, ref, userId }) => {
      const { cache } = await workspaceCache(s, workspaceId);
      const primary = userIdOfRef(ref);
      await writeWhenFree(cache.db, () => unmergeAccounts(cache.db, primary, userId));
      s.log.info('manual merge of subject accounts undone', { ref });
      return { ref, accounts: subjectAccounts(cache.db, primary).userIds };
    },
  };
}
