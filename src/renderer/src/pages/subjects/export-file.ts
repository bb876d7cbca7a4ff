import type { Api } from '../../api/client';

/**
 * Handing a finished export to the person. The core has already written it into the exports
 * folder; what is left depends on the face:
 * - Electron: `archives.saveAs` makes the shell show a save dialog and copy the file atomically.
 * - Browser mode: the host serves `GET /api/exports/<id>` with the session's bearer token; the
 *   bytes are fetched and handed to the browser's own download.
 */

// Same key the HTTP transport keeps the session token under (src/renderer/src/api/transport.ts).
const TOKEN_KEY = 'lethe.sessionToken';

export type SaveOutcome = { kind: 'saved'; where: string | null } | { kind: 'cancelled' } | { kind: 'unsupported'; message: string };

export async function saveExportFile(api: Api, exportId: string, fileName: string): Promise<SaveOutcome> {
  if (api.kind === 'electron') {
    const result = await api.call('archives.saveAs', { exportId });
    return result.saved ? { kind: 'saved', where: result.path } : { kind: 'cancelled' };
  }
  return browserDownload(`/api/exports/${encodeURIComponent(exportId)}`, fileName);
}

/** A finished erasure run's deletion receipt, handed over like an archive (#19 item 8). */
export async function saveReceiptFile(api: Api, workspaceId: string, runId: string, format: 'html' | 'json'): Promise<SaveOutcome> {
  if (api.kind === 'electron') {
    const result = await api.call('erasure.saveReceipt', { workspaceId, runId, format });
    return result.saved ? { kind: 'saved', where: result.path } : { kind: 'cancelled' };
  }
  return browserDownload(
    `/api/receipts/${encodeURIComponent(workspaceId)}/${encodeURIComponent(runId)}.${format}`,
    `erasure-receipt-${runId}.${format}`,
  );
}

async function browserDownload(address: string, fileName: string): Promise<SaveOutcome> {
  const token = window.sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(address, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok)
    return {
      kind: 'unsupported',
      message: `The download was refused (HTTP ${response.status}); the file is in the folder shown above.`,
    };
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return { kind: 'saved', where: null };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
