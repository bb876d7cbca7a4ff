import type { archiveOperations } from '../../../shared/contract/groups/archives';
import type { CoreServices, DomainHandlers } from '../services';
import { exportArchive } from './export-archive';
import { deleteExport, getExport, listExports, verifyFile } from './exports';

export function createArchiveHandlers(s: CoreServices): DomainHandlers<typeof archiveOperations> {
  return {
    'archives.export': (input) => exportArchive(s, input),
    'archives.list': async ({ workspaceId }) => ({ exports: await listExports(s.dataDir, workspaceId) }),
    'archives.verify': async ({ exportId, path, password }) => {
      const file = exportId !== undefined ? (await getExport(s.dataDir, exportId)).path : path!;
      return verifyFile(file, password);
    },
    'archives.saveAs': async ({ exportId }) => {
      const record = await getExport(s.dataDir, exportId);
      // Only the desktop face can show a save dialog; the core never imports electron.
      if (!s.saveFile) return { saved: false, path: null, via: 'download' as const };
      const outcome = await s.saveFile(record.path, record.fileName);
      return { ...outcome, via: 'dialog' as const };
    },
    'archives.delete': async ({ exportId }) => {
      await deleteExport(s.dataDir, exportId);
      return { deleted: true as const };
    },
  };
}
