export {
  archiveInputSchema,
  ROLE_LABELS,
  SUBJECT_ROLES,
  type ArchiveInput,
  type ArchiveInputDraft,
  type ArchiveKind,
  type AttachmentSource,
  type OpenAttachment,
  type InformationSheet,
} from './input';
export { manifestSchema, MANIFEST_PATH, type Manifest, type ManifestFile } from './manifest';
export {
  writeArchive,
  MIN_PASSPHRASE_LENGTH,
  type ArchiveProgress,
  type WriteArchiveOptions,
  type WriteArchiveResult,
} from './write-archive';
export { verifyArchive, type VerifyOptions, type VerifyProblem, type VerifyProblemKind, type VerifyResult } from './verify-archive';
