import { hrefFor, parseHash } from '../../app/router';

/**
 * The subject search lives in the address (`#/subjects?q=…`), so Back and "← Subjects" return to
 * the same results: typing replaces the history entry (no entry per keystroke), opening a dossier
 * adds one that carries the query along (`#/subjects/subj_1?q=…`).
 */
export const SEARCH_PARAM = 'q';

export function searchQueryOf(hash: string = window.location.hash): string {
  return parseHash(hash).query.get(SEARCH_PARAM) ?? '';
}

const withQuery = (query: string): Record<string, string> => (query.trim() ? { [SEARCH_PARAM]: query.trim() } : {});

/** The search page with the query of the current address (a dossier's "← Subjects"). */
export function subjectsSearchHref(hash: string = window.location.hash): string {
  return hrefFor('subjects', [], withQuery(searchQueryOf(hash)));
}

/** A dossier, remembering the search it was opened from. */
export function dossierHref(ref: string, query: string): string {
  return hrefFor('subjects', [ref], withQuery(query));
}

/** Records the search in the address without a history entry per keystroke. */
export function rememberSearch(query: string): void {
  const href = hrefFor('subjects', [], withQuery(query));
  if (window.location.hash !== href) window.history.replaceState(window.history.state, '', href);
}
