import { z } from 'zod';
import type { ZendeskClient } from './client';
import { collect, cursorPages } from './pagination';

/**
 * Custom user and organization field definitions: their titles are what the dossier shows beside
 * a value (the key `emergency_contact` means little to a data subject; "Emergency contact" does).
 * Real accounts send null for descriptions and options; only key and title are needed.
 */
export const CustomFieldDefinition = z.looseObject({
  id: z.number().int(),
  key: z.string().min(1).max(200),
  type: z.string().max(64),
  title: z.string().max(500),
  active: z.boolean().optional(),
});
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinition>;

export type CustomFieldScope = 'user' | 'organization';

const PATHS = {
  user: ['/api/v2/user_fields', 'user_fields'],
  organization: ['/api/v2/organization_fields', 'organization_fields'],
} as const;

/** Every definition of one scope (cursor pages of 100). */
export function listCustomFields(
  client: ZendeskClient,
  scope: CustomFieldScope,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<CustomFieldDefinition[]> {
  const [template, key] = PATHS[scope];
  return collect(
    cursorPages(client.transport, { spec: { method: 'GET', template, signal: options.signal }, key, item: CustomFieldDefinition }, 100),
  );
}
