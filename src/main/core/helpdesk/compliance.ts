import { z } from 'zod';
import type { ZendeskClient } from './client';
import { collect, cursorPages } from './pagination';

/**
 * Zendesk's own record of a GDPR deletion, per product ("area of compliance"): after a permanent
 * user deletion each product (support, guide, talk, chat, explore…) reports `started` and then
 * `complete`, on its own schedule (Support in minutes, Chat hours later in Zendesk's example).
 * `executer_id` is null on the products' own rows; real accounts send null for it.
 */
export const ComplianceDeletionStatus = z.looseObject({
  action: z.string().max(64),
  application: z.string().max(64),
  account_subdomain: z.string().nullable().optional(),
  executer_id: z.number().int().nullable().optional(),
  user_id: z.number().int(),
  created_at: z.string(),
});
export type ComplianceDeletionStatus = z.infer<typeof ComplianceDeletionStatus>;

/** Every status row of one user (cursor pages of 100; a handful of rows in practice). 404 when the account never had the user. */
export function complianceDeletionStatuses(
  client: ZendeskClient,
  userId: number,
  options: { signal?: AbortSignal | undefined; application?: string } = {},
): Promise<ComplianceDeletionStatus[]> {
  return collect(
    cursorPages(
      client.transport,
      {
        spec: {
          method: 'GET',
          template: '/api/v2/users/{user_id}/compliance_deletion_statuses',
          params: { user_id: userId },
          ...(options.application ? { query: { application: options.application } } : {}),
          signal: options.signal,
        },
        key: 'compliance_deletion_statuses',
        item: ComplianceDeletionStatus,
      },
      100,
    ),
  );
}

export interface ApplicationStatus {
  application: string;
  status: 'started' | 'complete';
  at: string;
}

/**
 * The latest word per product: `complete` wins over `started` whatever the order of the rows;
 * `request_deletion` (for `all`) is the request itself, not a product. Sorted by product name.
 */
export function latestPerApplication(rows: readonly ComplianceDeletionStatus[]): { requested: boolean; applications: ApplicationStatus[] } {
  const byApp = new Map<string, ApplicationStatus>();
  let requested = false;
  for (const row of rows) {
    const action = row.action.toLowerCase();
    if (action === 'request_deletion') {
      requested = true;
      continue;
    }
    if (action !== 'started' && action !== 'complete') continue;
    const seen = byApp.get(row.application);
    if (seen?.status === 'complete' && action !== 'complete') continue;
    byApp.set(row.application, { application: row.application, status: action, at: row.created_at });
  }
  return {
    requested: requested || byApp.size > 0,
    applications: [...byApp.values()].sort((a, b) => a.application.localeCompare(b.application)),
  };
}
