import { z } from 'zod';
import { regulationSchema } from '../../../shared/deadlines/types';
import { archiveKindSchema, subjectRefSchema } from './input';

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_FORMAT = 'lethe-dsr-archive';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().nonnegative();

/**
 * The manifest names the subject only by reference, so it can be kept in the request register
 * and compared later without holding personal data; the archive's other files carry the data.
 */
export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(1),
  kind: archiveKindSchema,
  regulation: regulationSchema,
  legalBasis: z.string(),
  subjectRef: subjectRefSchema,
  requestId: z.string().nullable(),
  workspace: z.object({ id: z.string(), name: z.string(), baseUrl: z.string() }),
  generatedAt: z.string(),
  dataAsOf: z.string(),
  letheVersion: z.string(),
  encrypted: z.boolean(),
  counts: z.object({
    profiles: count,
    identities: count,
    organizations: count,
    tickets: count,
    comments: count,
    commentsWithheld: count,
    attachments: count,
    attachmentsUnavailable: count,
    attachmentBytes: count,
  }),
  exclusions: z.array(z.object({ category: z.string(), count, reason: z.string() })),
  files: z.array(z.object({ path: z.string().min(1), size: count, sha256: sha256Hex })),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = Manifest['files'][number];
