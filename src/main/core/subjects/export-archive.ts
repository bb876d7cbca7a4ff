import { Readable } from 'node:stream';
import type { ExportRecord } from '../../../shared/contract/groups/archives';
import type { Regulation } from '../../../shared/deadlines/types';
import { LetheError } from '../../../shared/errors';
import { writeArchive, type ArchiveKind } from '../archive';
import { requireCompleteSheet } from '../archive/information-sheet';
import { HelpdeskError, ZendeskClient } from '../helpdesk';
import type { CoreServices } from '../services';
import { LETHE_VERSION } from '../version';
import { auditExport } from './export-audit';
import { openLinkRegister } from './links';
import { userExists } from './person';
import { buildArchiveInput } from './archive-input';
import { FieldTitleCache } from './field-titles';
import { ensureExportsDir, exportZipPath, newExportId, saveExportRecord } from './exports';
import { userIdOfRef } from './subject-ref';
import { workspaceCache } from './workspace-cache';

export interface ExportRequest {
  workspaceId?: string | undefined;
  ref: string;
  kind: ArchiveKind;
  regulation?: Regulation | undefined;
  requestId?: string | undefined;
  password?: string | undefined;
  actor?: string | undefined;
}

export const EXPORT_JOB_KIND = 'archive.export';

/**
 * Writes one subject's archive into the exports folder and records it. Progress goes out as
 * `job.progress` events (bytes, with "files n/m" in the message) under the export's id.
 */
export async function exportArchive(s: CoreServices, request: ExportRequest): Promise<ExportRecord> {
  const { workspaceId, cache } = await workspaceCache(s, request.workspaceId);
  const userId = userIdOfRef(request.ref);
  if (!userExists(cache.db, userId))
    throw new LetheError('not_found', 'No such person in the local cache; sync or refresh, then try again');
  const workspace = await s.workspaces.get(workspaceId);
  const settings = (await s.config.read()).settings;
  const sheet = request.kind === 'access' ? requireCompleteSheet(settings.informationSheet, { demo: workspace.kind === 'demo' }) : null;
  const regulation = request.regulation ?? 'GDPR';

  let client: ZendeskClient | null = null;
  const download = async (contentUrl: string) => {
    if (client === null) {
      const c = await s.workspaces.credentials(workspaceId);
      client = new ZendeskClient({ baseUrl: c.baseUrl, email: c.email, token: c.token }, { logger: s.log.child('helpdesk') });
    }
    try {
      const { stream } = await client.downloadAttachment(contentUrl);
      return stream as Readable;
    } catch (error) {
      // Gone upstream: the manifest lists it as unavailable. Anything else stops the export.
      if (error instanceof HelpdeskError && (error.status === 404 || error.status === 410)) return null;
      throw error;
    }
  };

  const register = await openLinkRegister(s, workspaceId, cache.db);
  // Field titles in words where the helpdesk answers; an offline export shows the keys.
  const fieldTitles = request.kind === 'access' ? await new FieldTitleCache(s).titles(workspaceId) : null;
  const input = buildArchiveInput(cache.db, {
    fieldTitles,
    userId,
    register,
    kind: request.kind,
    regulation,
    requestId: request.requestId ?? null,
    workspace: { id: workspace.id, name: workspace.name, baseUrl: workspace.baseUrl },
    controllerName: settings.organizationName,
    informationSheet: sheet,
    letheVersion: LETHE_VERSION,
    cacheDir: s.workspaces.cacheDir(workspaceId),
    download,
  });

  const exportId = newExportId();
  await ensureExportsDir(s.dataDir);
  const targetPath = exportZipPath(s.dataDir, exportId);
  const emit = (phase: 'running' | 'done' | 'failed', done: number, total: number | null, message?: string) =>
    s.events.emit('job.progress', {
      jobId: exportId,
      kind: EXPORT_JOB_KIND,
      phase,
      done,
      total,
      unit: 'bytes',
      ...(message ? { message } : {}),
    });
  emit('running', 0, null, 'starting');
  let result;
  try {
    result = await writeArchive(input, {
      targetPath,
      ...(request.password === undefined ? {} : { password: request.password }),
      onProgress: (p) => emit('running', p.bytes, p.totalBytes, `${p.files}/${p.totalFiles} files`),
    });
  } catch (error) {
    emit('failed', 0, null, error instanceof LetheError ? error.code : 'internal_error');
    throw error;
  }
  const now = new Date();
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const record: ExportRecord = {
    exportId,
    workspaceId,
    ref: request.ref,
    kind: request.kind,
    regulation,
    requestId: request.requestId ?? null,
    fileName: `lethe-${request.kind}-${request.ref}-${stamp}.zip`,
    path: result.path,
    sha256: result.sha256,
    size: result.size,
    files: result.manifest.files.length + 1,
    attachments: result.manifest.counts.attachments,
    attachmentsUnavailable: result.manifest.counts.attachmentsUnavailable,
    encrypted: result.manifest.encrypted,
    createdAt: now.toISOString(),
  };
  await saveExportRecord(s.dataDir, record);
  await auditExport(s, record, request.actor);
  emit('done', result.size, result.size, `${record.files}/${record.files} files`);
  s.log.info('archive exported', { exportId, ref: request.ref, kind: request.kind });
  return record;
}
