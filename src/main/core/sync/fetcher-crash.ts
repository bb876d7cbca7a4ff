/**
 * A fetching thread (page-fetcher.ts) that ended without saying why: a crash, an out-of-memory
 * kill. Apart from fetching-thread.ts so that run-sync.ts knows it without starting threads.
 */
export const FETCHER_CRASHED_MESSAGE = 'The sync stopped unexpectedly while fetching pages; the cache keeps every page committed before';
export const FETCHER_CRASHED_REASON = 'page_fetcher_crashed';
