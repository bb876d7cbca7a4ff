/** Display helpers for the Sync page; times in the viewer's locale. */

export function formatWhen(iso: string | null): string {
  if (!iso) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export const STREAM_LABELS: Record<string, string> = {
  users: 'People',
  organizations: 'Organizations',
  tickets: 'Tickets',
  ticket_events: 'Comments and attachments',
};

/** Codes where the cache itself cannot be used: the only way out is to reset it and sync again. */
export const CACHE_UNUSABLE = new Set(['db_key_invalid', 'db_corrupt']);

interface StreamEstimate {
  state: string;
  progress: { etaSeconds: number | null } | null;
}

/**
 * Time to a full sync from the measured rates: the running stream's estimate plus any queued
 * stream's. A stream still to run without an estimate (not measured yet) makes it a lower bound.
 * null when nothing is left or nothing is measured.
 */
export function projectFullSync(streams: readonly StreamEstimate[]): { seconds: number; atLeast: boolean } | null {
  const left = streams.filter((s) => s.state === 'running' || s.state === 'queued');
  if (left.length === 0) return null;
  const known = left.filter((s) => s.progress?.etaSeconds !== null && s.progress?.etaSeconds !== undefined);
  if (known.length === 0) return null;
  return { seconds: known.reduce((n, s) => n + (s.progress?.etaSeconds ?? 0), 0), atLeast: known.length < left.length };
}
