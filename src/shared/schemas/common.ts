import { z } from 'zod';

/** Upper bounds shared by every boundary, so an oversized payload is refused before any work. */
export const LIMITS = {
  shortText: 200,
  longText: 20_000,
  url: 2_048,
  token: 512,
  listItems: 10_000,
} as const;

export const shortText = z.string().trim().min(1).max(LIMITS.shortText);
export const optionalLongText = z.string().max(LIMITS.longText);
export const isoDateTime = z.iso.datetime({ offset: true });
export const workspaceId = z
  .string()
  .regex(/^ws_[a-z0-9]{8,32}$/, 'a workspace id looks like ws_ followed by lowercase letters and digits');
export const emptyInput = z.object({}).strict();
