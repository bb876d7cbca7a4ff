import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { receiptFileName, receiptPath, type ReceiptFormat } from '../core/erasure/receipt-file';
import { getExport } from '../core/subjects';

export const EXPORT_DOWNLOAD_PATH = /^\/api\/exports\/(exp_[0-9a-f]{24})$/;

/** A header-safe file name: the record's name without quotes, separators or control characters. */
export function contentDispositionFor(fileName: string): string {
  const plain = fileName.replace(/[^\w.\- ]+/g, '_').slice(0, 150) || 'archive.zip';
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Browser mode's "save as": streams a produced archive to the browser's download. The caller has
 * already checked Host, origin and the bearer token; the id is matched by a strict pattern and
 * looked up in the exports folder's records, so no path from the request reaches the disk.
 */
export async function sendExport(res: ServerResponse, dataDir: string, exportId: string, headers: Record<string, string>): Promise<void> {
  const record = await getExport(dataDir, exportId);
  await sendFile(res, record.path, record.fileName, 'application/zip', headers);
}

/** A finished run's deletion receipt (#19 item 8), found from strictly matched ids like an export. */
export async function sendReceipt(
  res: ServerResponse,
  dataDir: string,
  workspaceId: string,
  runId: string,
  format: ReceiptFormat,
  headers: Record<string, string>,
): Promise<void> {
  const type = format === 'html' ? 'text/html; charset=utf-8' : 'application/json';
  await sendFile(res, receiptPath(dataDir, workspaceId, runId, format), receiptFileName(runId, format), type, headers);
}

async function sendFile(res: ServerResponse, path: string, fileName: string, type: string, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Disposition': contentDispositionFor(fileName),
    'Cache-Control': 'no-store',
  });
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(path);
    stream.on('error', reject);
    res.on('close', resolve);
    stream.pipe(res);
  });
}
