import { z } from 'zod';
import { LIMITS, isoDateTime, shortText, workspaceId } from './common';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A helpdesk base URL: https for any host, plain http only on loopback (the simulator). Paths,
 * credentials, queries and fragments are refused so the URL is only ever an origin.
 */
export const helpdeskBaseUrl = z
  .string()
  .trim()
  .max(LIMITS.url)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL' });
      return z.NEVER;
    }
    const loopback = LOOPBACK_HOSTS.has(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      ctx.addIssue({ code: 'custom', message: 'the helpdesk URL must use https (http only on loopback)' });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
      ctx.addIssue({ code: 'custom', message: 'give only the address, like https://acme.zendesk.com' });
      return z.NEVER;
    }
    return url.origin;
  });

export const zendeskSubdomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a subdomain has letters, digits and dashes only');

export const agentEmail = z.string().trim().max(254).pipe(z.email());
export const apiToken = z.string().trim().min(8).max(LIMITS.token);

export const workspaceKind = z.enum(['zendesk', 'demo']);

/** What the faces see of a workspace. The API token is never part of it: only whether one is stored. */
export const Workspace = z
  .object({
    id: workspaceId,
    name: shortText,
    kind: workspaceKind,
    baseUrl: z.string(),
    email: z.string(),
    hasToken: z.boolean(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .strict();
export type Workspace = z.infer<typeof Workspace>;

/** Either a subdomain (acme → https://acme.zendesk.com) or a full base URL. */
const helpdeskAddress = z.union([z.object({ subdomain: zendeskSubdomain }).strict(), z.object({ baseUrl: helpdeskBaseUrl }).strict()]);

export const WorkspaceCreateInput = z
  .object({
    name: shortText,
    address: helpdeskAddress,
    email: agentEmail,
    apiToken,
  })
  .strict();

export const WorkspaceUpdateInput = z
  .object({
    id: workspaceId,
    name: shortText.optional(),
    address: helpdeskAddress.optional(),
    email: agentEmail.optional(),
    /** Replaces the stored token. Omitted: kept, unless the address or e-mail changes (then it is dropped and needed again). */
    apiToken: apiToken.optional(),
  })
  .strict();

export const WorkspaceTestInput = z.union([
  z.object({ id: workspaceId }).strict(),
  z.object({ address: helpdeskAddress, email: agentEmail, apiToken }).strict(),
]);

export const ConnectionTestResult = z
  .object({
    ok: z.boolean(),
    code: z.string().optional(),
    message: z.string(),
    agentName: z.string().optional(),
    role: z.string().optional(),
    isAdmin: z.boolean().optional(),
  })
  .strict();
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

export function addressToBaseUrl(address: z.infer<typeof helpdeskAddress>): string {
  return 'subdomain' in address ? `https://${address.subdomain}.zendesk.com` : address.baseUrl;
}
