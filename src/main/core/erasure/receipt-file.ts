import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LetheError } from '../../../shared/errors';
import type { CoreServices } from '../services';

/**
 * Handing a deletion receipt to the officer (#19 item 8), as archives are: the desktop app asks
 * where to save it; browser mode downloads it from `GET /api/receipts/<workspace>/<run>.<format>`
 * with the session's token; the CLI prints its path. The path is built from strictly matched ids
 * under the receipts folder, so nothing from the request names a file.
 */

export const RECEIPT_DOWNLOAD_PATH =
  /^\/api\/receipts\/(ws_[a-z0-9]{8,32})\/([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.(html|json)$/;

export type ReceiptFormat = 'html' | 'json';

export function receiptFileName(runId: string, format: ReceiptFormat): string {
  return `erasure-${runId}.${format}`;
}

export function receiptPath(dataDir: string, workspaceId: string, runId: string, format: ReceiptFormat): string {
  const path = join(dataDir, 'receipts', workspaceId, receiptFileName(runId, format));
  if (!existsSync(path)) throw new LetheError('not_found', 'There is no receipt for this run yet: it is written when the run finishes');
  return path;
}

export async function saveReceiptAs(
  s: CoreServices,
  workspaceId: string,
  runId: string,
  format: ReceiptFormat,
): Promise<{ saved: boolean; path: string | null; via: 'dialog' | 'path' }> {
  const path = receiptPath(s.dataDir, workspaceId, runId, format);
  if (!s.saveFile) return { saved: false, path, via: 'path' };
  return { ...(await s.saveFile(path, receiptFileName(runId, format))), via: 'dialog' };
}
