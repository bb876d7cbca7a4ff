import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ExportRecord, type ExportId, type VerifyOutcome } from '../../../shared/contract/groups/archives';
import { LetheError } from '../../../shared/errors';
import { verifyArchive } from '../archive';
import { writeFileAtomic } from '../fs/atomic-write';

/**
 * Produced archives live in `<dataDir>/exports/<exportId>.zip`, each with a small JSON record
 * beside it (`<exportId>.json`: subject reference, kind, hash; no personal data). The core always
 * writes here first, atomically; the faces then hand the file over: the browser downloads it
 * through the host, the Electron shell copies it where a save dialog says, the CLI copies it to
 * `--out`. The ZIP's own name on disk is the id, so nothing personal sits in a directory listing.
 */

export const EXPORTS_DIR = 'exports';

export function exportsDir(dataDir: string): string {
  return join(dataDir, EXPORTS_DIR);
}

export function newExportId(): ExportId {
  return `exp_${randomBytes(12).toString('hex')}`;
}

export function exportZipPath(dataDir: string, exportId: ExportId): string {
  return join(exportsDir(dataDir), `${exportId}.zip`);
}

const recordPath = (dataDir: string, exportId: string) => join(exportsDir(dataDir), `${exportId}.json`);

export async function ensureExportsDir(dataDir: string): Promise<string> {
  const dir = exportsDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const StoredRecord = ExportRecord.omit({ path: true });

export async function saveExportRecord(dataDir: string, record: ExportRecord): Promise<void> {
  const { path: _path, ...stored } = record;
  await writeFileAtomic(recordPath(dataDir, record.exportId), `${JSON.stringify(stored, null, 2)}\n`);
}

export async function listExports(dataDir: string, workspaceId?: string): Promise<ExportRecord[]> {
  let names: string[];
  try {
    names = await readdir(exportsDir(dataDir));
  } catch {
    return [];
  }
  const records: ExportRecord[] = [];
  for (const name of names) {
    if (!/^exp_[0-9a-f]{24}\.json$/.test(name)) continue;
    const parsed = StoredRecord.safeParse(
      await readFile(join(exportsDir(dataDir), name), 'utf8')
        .then(JSON.parse)
        .catch(() => null),
    );
    if (!parsed.success) continue;
    const path = exportZipPath(dataDir, parsed.data.exportId);
    // A record whose ZIP was removed by hand is not an export any more.
    if (
      !(await stat(path)
        .then((s) => s.isFile())
        .catch(() => false))
    )
      continue;
    if (workspaceId !== undefined && parsed.data.workspaceId !== workspaceId) continue;
    records.push({ ...parsed.data, path });
  }
  return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.exportId.localeCompare(b.exportId));
}

export async function getExport(dataDir: string, exportId: string): Promise<ExportRecord> {
  const found = (await listExports(dataDir)).find((r) => r.exportId === exportId);
  if (found === undefined) throw new LetheError('not_found', 'There is no such export on this machine');
  return found;
}

export async function deleteExport(dataDir: string, exportId: string): Promise<void> {
  await getExport(dataDir, exportId);
  await rm(exportZipPath(dataDir, exportId as ExportId), { force: true });
  await rm(recordPath(dataDir, exportId), { force: true });
}

export async function sha256OfFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function verifyFile(path: string, password?: string): Promise<VerifyOutcome> {
  if (!isAbsolute(path)) throw new LetheError('invalid_input', 'The archive path must be absolute');
  const result = await verifyArchive(path, password === undefined ? {} : { password });
  const whole = await sha256OfFile(path);
  return {
    ok: result.ok,
    checked: result.checked,
    problems: result.problems,
    ...whole,
    manifest: {
      kind: result.manifest.kind,
      regulation: result.manifest.regulation,
      subjectRef: result.manifest.subjectRef,
      generatedAt: result.manifest.generatedAt,
      dataAsOf: result.manifest.dataAsOf,
      encrypted: result.manifest.encrypted,
      files: result.manifest.files.length,
    },
  };
}
