import { z } from 'zod';
import { op } from '../define';
import { isoDateTime, workspaceId } from '../../schemas/common';
import { regulationSchema } from '../../deadlines/types';
import { SubjectRef } from './subjects';

const count = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** `exp_` and 24 hex digits: names the file in `<dataDir>/exports/` and nothing else. */
export const ExportId = z.string().regex(/^exp_[0-9a-f]{24}$/, 'an export id looks like exp_ followed by 24 hex digits');
export type ExportId = z.infer<typeof ExportId>;

export const ARCHIVE_KINDS = ['access', 'portability'] as const;
export const ArchiveKind = z.enum(ARCHIVE_KINDS);

/** Zip passphrases: long enough for AES-256 to mean something, short enough to type. */
const passphrase = z.string().min(12).max(1_024);

export const ExportRecord = z
  .object({
    exportId: ExportId,
    workspaceId,
    ref: SubjectRef,
    kind: ArchiveKind,
    regulation: regulationSchema,
    requestId: z.string().nullable(),
    fileName: z.string(),
    /** Where the file is on this machine (`<dataDir>/exports/…`). */
    path: z.string(),
    sha256,
    size: count,
    files: count,
    attachments: count,
    attachmentsUnavailable: count,
    encrypted: z.boolean(),
    createdAt: isoDateTime,
  })
  .strict();
export type ExportRecord = z.infer<typeof ExportRecord>;

export const VerifyOutcome = z
  .object({
    ok: z.boolean(),
    checked: count,
    problems: z.array(
      z.object({ file: z.string(), problem: z.enum(['missing', 'size_mismatch', 'hash_mismatch', 'unexpected_file']) }).strict(),
    ),
    sha256,
    size: count,
    manifest: z
      .object({
        kind: ArchiveKind,
        regulation: regulationSchema,
        subjectRef: z.string(),
        generatedAt: z.string(),
        dataAsOf: z.string(),
        encrypted: z.boolean(),
        files: count,
      })
      .strict(),
  })
  .strict();
export type VerifyOutcome = z.infer<typeof VerifyOutcome>;

export const archiveOperations = {
  'archives.export': op({
    input: z
      .object({
        workspaceId: workspaceId.optional(),
        ref: SubjectRef,
        kind: ArchiveKind,
        regulation: regulationSchema.optional(),
        requestId: z.string().trim().min(1).max(100).optional(),
        password: passphrase.optional(),
        actor: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    output: ExportRecord,
    summary: "Write a subject's access or portability archive into the exports folder (atomic, optionally AES-256)",
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', kind: 'access', regulation: 'GDPR' },
  }),
  'archives.list': op({
    input: z.object({ workspaceId: workspaceId.optional() }).strict(),
    output: z.object({ exports: z.array(ExportRecord) }).strict(),
    summary: 'The archives produced on this machine, newest first',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'archives.verify': op({
    input: z
      .object({
        exportId: ExportId.optional(),
        /** An archive anywhere on this machine (the CLI's `lethe archive verify FILE`). */
        path: z.string().min(1).max(4_096).optional(),
        password: passphrase.optional(),
      })
      .strict()
      .refine((v) => (v.exportId === undefined) !== (v.path === undefined), 'give either exportId or path'),
    output: VerifyOutcome,
    summary: "Check an archive against its manifest: every file's size and SHA-256, nothing missing, nothing added",
    example: { exportId: 'exp_0123456789abcdef01234567' },
  }),
  'archives.saveAs': op({
    input: z.object({ exportId: ExportId }).strict(),
    output: z
      .object({
        /** False when the person cancelled, or when this face saves by download instead (browser mode). */
        saved: z.boolean(),
        path: z.string().nullable(),
        via: z.enum(['dialog', 'download']),
      })
      .strict(),
    summary: 'Desktop app: ask where to save a produced archive and copy it there (browser mode downloads instead)',
    example: { exportId: 'exp_0123456789abcdef01234567' },
  }),
  'archives.delete': op({
    input: z.object({ exportId: ExportId }).strict(),
    output: z.object({ deleted: z.literal(true) }).strict(),
    summary: 'Remove a produced archive from the exports folder',
    example: { exportId: 'exp_0123456789abcdef01234567' },
  }),
};
