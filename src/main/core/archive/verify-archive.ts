import { BlobReader, ERR_ENCRYPTED, ERR_INVALID_PASSWORD, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LetheError } from '../../../shared/errors';
import { MANIFEST_PATH, manifestSchema, type Manifest } from './manifest';
import { Tally } from './streams';

export type VerifyProblemKind = 'missing' | 'size_mismatch' | 'hash_mismatch' | 'unexpected_file';

export interface VerifyProblem {
  file: string;
  problem: VerifyProblemKind;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries whose bytes were read and hashed. */
  checked: number;
  problems: VerifyProblem[];
  manifest: Manifest;
}

export interface VerifyOptions {
  password?: string;
  signal?: AbortSignal;
}

/** A manifest lists file names and hashes; anything near this size is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const invalid = (reason: string, message: string) => new LetheError('invalid_input', message, { reason });

/**
 * Checks an archive against its own manifest: every entry is streamed (never held in memory), its
 * SHA-256 recomputed and compared, and files the manifest does not list are reported too. A file
 * that is not a ZIP, has no readable manifest, or needs a passphrase that was not given (or is
 * wrong) is refused with `invalid_input` and a `details.reason` the UI can branch on.
 */
export async function verifyArchive(path: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) throw new LetheError('not_found', 'There is no archive file at that path');
  const reader = new ZipReader(new BlobReader(await openAsBlob(path)), {
    useWebWorkers: false,
    ...(options.password === undefined ? {} : { password: options.password }),
  });
  try {
    let entries;
    try {
      entries = await reader.getEntries();
    } catch {
      throw invalid('archive_not_zip', 'The file is not a readable ZIP archive');
    }
    const files = entries.filter((e): e is FileEntry => !e.directory);
    const manifestEntry = files.find((e) => e.filename === MANIFEST_PATH);
    if (manifestEntry === undefined) throw invalid('archive_manifest_missing', 'The archive has no manifest.json, so it cannot be checked');
    const manifest = await readManifest(manifestEntry, options);

    const expected = new Map(manifest.files.map((f) => [f.path, f]));
    const problems: VerifyProblem[] = [];
    const seen = new Set<string>();
    let checked = 0;
    for (const entry of files) {
      if (entry === manifestEntry) continue;
      const listed = expected.get(entry.filename);
      if (listed === undefined || seen.has(entry.filename)) {
        problems.push({ file: entry.filename, problem: 'unexpected_file' });
        continue;
      }
      seen.add(entry.filename);
      const actual = await hashEntry(entry, options);
      checked += 1;
      if (actual === 'damaged') problems.push({ file: entry.filename, problem: 'hash_mismatch' });
      else if (actual.size !== listed.size) problems.push({ file: entry.filename, problem: 'size_mismatch' });
      else if (actual.sha256 !== listed.sha256) problems.push({ file: entry.filename, problem: 'hash_mismatch' });
    }
    for (const file of manifest.files) if (!seen.has(file.path)) problems.push({ file: file.path, problem: 'missing' });
    return { ok: problems.length === 0, checked, problems, manifest };
  } finally {
    await reader.close();
  }
}

async function readManifest(entry: FileEntry, options: VerifyOptions): Promise<Manifest> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES)
    throw invalid('archive_manifest_invalid', 'The manifest is too large to be a Lethe manifest');
  const content = await hashEntry(entry, options, true);
  if (content === 'damaged' || content.text === undefined) throw invalid('archive_manifest_invalid', 'The manifest is damaged');
  let json: unknown;
  try {
    json = JSON.parse(content.text);
  } catch {
    throw invalid('archive_manifest_invalid', 'The manifest is not valid JSON');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw invalid('archive_manifest_invalid', 'The manifest is not a Lethe archive manifest');
  return parsed.data;
}

async function hashEntry(
  entry: FileEntry,
  options: VerifyOptions,
  keepText = false,
): Promise<{ size: number; sha256: string; text?: string } | 'damaged'> {
  const tally = new Tally();
  const decoder = keepText ? new TextDecoder('utf-8', { fatal: false }) : null;
  let text = '';
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      tally.update(chunk);
      if (decoder !== null) text += decoder.decode(chunk, { stream: true });
    },
  });
  try {
    await entry.getData(sink, {
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw new LetheError('cancelled', 'Checking the archive was cancelled');
    const message = error instanceof Error ? error.message : '';
    if (message === ERR_ENCRYPTED) throw invalid('archive_password_required', 'The archive is encrypted: enter its passphrase');
    if (message === ERR_INVALID_PASSWORD) throw invalid('archive_password_wrong', 'The passphrase does not open this archive');
    // A CRC-32 or authentication-code failure, bad deflate data, a short entry: whatever the cause,
    // these bytes cannot be shown to be the ones the manifest lists.
    return 'damaged';
  }
  if (decoder !== null) text += decoder.decode();
  return { size: tally.size, sha256: tally.hex(), ...(decoder === null ? {} : { text }) };
}
