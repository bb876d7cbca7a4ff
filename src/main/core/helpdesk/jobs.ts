import type { JobResultItem, JobStatus } from './schemas';

export type JobTerminalStatus = 'completed' | 'failed' | 'killed';

export interface JobOutcome {
  job: JobStatus;
  status: JobTerminalStatus;
  /** Rows that report success. */
  succeeded: JobResultItem[];
  /**
   * Rows that report failure. A "completed" job may still contain some: Zendesk's bulk jobs go on
   * past individual failures, so callers must look here, not only at `status`.
   */
  failed: JobResultItem[];
  /** True only when the job completed and no row failed. */
  ok: boolean;
}

export function isTerminal(status: JobStatus['status']): status is JobTerminalStatus {
  return status === 'completed' || status === 'failed' || status === 'killed';
}

export function isFailedItem(item: JobResultItem): boolean {
  if (item.success === false) return true;
  if (typeof item.error === 'string' && item.error) return true;
  return typeof item.status === 'string' && /^(failed|error)$/i.test(item.status);
}

export function outcomeOf(job: JobStatus & { status: JobTerminalStatus }): JobOutcome {
  const rows = Array.isArray(job.results) ? job.results : [];
  const failed = rows.filter(isFailedItem);
  const succeeded = rows.filter((row) => !isFailedItem(row));
  const objectFailure = !Array.isArray(job.results) && job.results?.success === false;
  return {
    job,
    status: job.status,
    succeeded,
    failed,
    ok: job.status === 'completed' && failed.length === 0 && !objectFailure,
  };
}

export interface JobPollOptions {
  /** First interval between polls; it doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Give up after this long (the job keeps running upstream). Default 30 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (job: JobStatus) => void;
}
