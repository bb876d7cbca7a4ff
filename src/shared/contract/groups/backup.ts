import { z } from 'zod';
import { op } from '../define';
import { shortText, workspaceId } from '../../schemas/common';

const wsOpt = { workspaceId: workspaceId.optional() };
const actor = shortText;
/** As typed: groups of four letters, any case, with or without dashes and spaces. */
const recoveryKey = z.string().trim().min(52).max(100);
/** A backup file on this machine (the CLI's `lethe restore FILE`, or a path typed in Settings). */
const backupPath = z.string().trim().min(1).max(4_096);

export const BackupResult = z
  .object({
    workspaceId: z.string(),
    path: z.string(),
    fileName: z.string(),
    bytes: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
    requests: z.number().int(),
    auditEntries: z.number().int(),
    files: z.array(z.object({ name: z.string(), size: z.number().int() }).strict()),
  })
  .strict();
export type BackupResult = z.infer<typeof BackupResult>;

export const backupOperations = {
  'backup.status': op({
    input: z.object({ ...wsOpt }).strict(),
    output: z.object({ workspaceId: z.string(), hasRecoveryKey: z.boolean(), keyFile: z.boolean(), demo: z.boolean() }).strict(),
    summary: 'Whether the workspace has a recovery key and a key file, without showing the key',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'backup.recoveryKey': op({
    input: z.object({ ...wsOpt, actor: actor.optional() }).strict(),
    output: z.object({ workspaceId: z.string(), recoveryKey: z.string(), created: z.boolean() }).strict(),
    summary: "Show the workspace's recovery key, creating it the first time; refreshes the key file beside the stores (audited)",
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'backup.create': op({
    input: z.object({ ...wsOpt, actor: actor.optional() }).strict(),
    output: BackupResult,
    summary: 'Write an encrypted backup of the register, audit log, journal and settings into the backups folder (audited)',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'backup.saveAs': op({
    input: z.object({ ...wsOpt, fileName: z.string().regex(/^lethe-backup-[A-Za-z0-9_-]{1,120}\.lethebak$/) }).strict(),
    output: z.object({ saved: z.boolean(), path: z.string().nullable(), via: z.enum(['dialog', 'path']) }).strict(),
    summary: 'Desktop app: ask where to save a backup and copy it there (browser mode and the CLI use its path)',
    example: { workspaceId: 'ws_abcdefgh12', fileName: 'lethe-backup-ws_abcdefgh12-2026-12-04T10-00-00-000Z.lethebak' },
  }),
  'backup.describe': op({
    input: z.object({ path: backupPath }).strict(),
    output: z.object({ workspaceId: z.string(), workspaceName: z.string(), createdAt: z.string() }).strict(),
    summary: 'What a backup file says it holds (workspace, date), read without the recovery key',
    example: { path: '/nonexistent/lethe-backup.lethebak' },
  }),
  'backup.restore': op({
    input: z.object({ path: backupPath, recoveryKey, actor: actor.optional() }).strict(),
    output: z
      .object({
        workspaceId: z.string(),
        workspaceName: z.string(),
        backupCreatedAt: z.string(),
        requests: z.number().int(),
        auditEntries: z.number().int(),
        auditChainOk: z.boolean(),
        settingsRestored: z.boolean(),
        files: z.number().int(),
      })
      .strict(),
    summary: 'Restore a backup into this data directory (which must not hold its workspace); a wrong key or damaged file changes nothing',
    example: {
      path: '/nonexistent/lethe-backup.lethebak',
      recoveryKey: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH-IIII-JJJJ-KKKK-LLLL-MMMM',
    },
  }),
  'backup.recoverKeys': op({
    input: z.object({ ...wsOpt, recoveryKey, actor: actor.optional() }).strict(),
    output: z
      .object({
        workspaceId: z.string(),
        restored: z.array(z.string()),
        requests: z.number().int(),
        auditEntries: z.number().int(),
        auditChainOk: z.boolean(),
      })
      .strict(),
    summary: "Refill a keychain that lost the workspace's keys from the key file beside the stores, with the recovery key",
    example: {
      workspaceId: 'ws_abcdefgh12',
      recoveryKey: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH-IIII-JJJJ-KKKK-LLLL-MMMM',
    },
  }),
};
