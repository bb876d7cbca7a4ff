import { useState } from 'react';

/**
 * Team mode: the version of the request a form's draft was started against, sent as
 * `expectedVersion` so a change another officer made meanwhile is a `conflict`, never overwritten.
 * While the form is untouched it follows the request's new versions (the officer is looking at
 * them); once a draft is started it stays put. `restart` takes the current version (after the
 * officer has seen a conflict and starts again). Locally `version` is undefined and nothing is sent.
 */
export function useDraftVersion(
  version: number | undefined,
  dirty: boolean,
): { expected: { expectedVersion?: number }; restart: () => void; stale: boolean } {
  const [base, setBase] = useState(version);
  // Adjusted while rendering (React's pattern for state derived from a changed prop).
  if (version !== undefined && version !== base && !dirty) setBase(version);
  return {
    expected: base !== undefined ? { expectedVersion: base } : {},
    restart: () => setBase(version),
    stale: base !== undefined && version !== undefined && base !== version,
  };
}
