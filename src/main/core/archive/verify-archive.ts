import { BlobReader, ERR_ENCRYPTED, ERR_INVALID_PASSWORD, ERR_OVERLAPPING_ENTRY, ZipReader, type FileEntry } from '@zip.js/zip.js';
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LetheError } from '../../../shared/errors';
import { callSignal } from '../router/call-context';
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
  /** Uncompressed bytes streamed, the manifest's included: never more than the manifest lists. */
  inflatedBytes: number;
}

export interface VerifyOptions {
  password?: string;
  /** Defaults to the signal of the contract call this runs in (a browser client that left). */
  signal?: AbortSignal;
  /** Uncompressed bytes the manifest may list in all; more is refused before anything is inflated. */
  maxTotalBytes?: number;
}

/** A manifest lists file names and hashes; anything near this size is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** Far above any archive Lethe writes (attachments are capped well below), far below a ZIP bomb's claims. */
export const MAX_TOTAL_BYTES = 16 * 1024 ** 3;
/** Local file header without its name and extra field (APPNOTE 4.3.7). */
const LOCAL_HEADER_BYTES = 30;

const invalid = (reason: string, message: string) => new LetheError('invalid_input', message, { reason });

/**
 * Checks an archive against its own manifest: every entry is streamed (never held in memory), its
 * SHA-256 recomputed and compared, and files the manifest does not list are reported too. A file
 * that is not a ZIP, has no readable manifest, or needs a passphrase that was not given (or is
 * wrong) is refused with `invalid_input` and a `details.reason` the UI can branch on.
 */
export async function verifyArchive(path: string, given: VerifyOptions = {}): Promise<VerifyResult> {
  const signal = given.signal ?? callSignal();
  const options: VerifyOptions = { ...given, ...(signal === undefined ? {} : { signal }) };
  if (signal?.aborted === true) throw cancelled();
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
    assertNoOverlap(files);
    const manifestEntry = files.find((e) => e.filename === MANIFEST_PATH);
    if (manifestEntry === undefined) throw invalid('archive_manifest_missing', 'The archive has no manifest.json, so it cannot be checked');
    const budget = { inflated: 0 };
    const manifest = await readManifest(manifestEntry, options, budget);
    const listedBytes = manifest.files.reduce((n, f) => n + f.size, 0);
    if (listedBytes > (options.maxTotalBytes ?? MAX_TOTAL_BYTES)) {
      throw invalid('archive_too_large', 'The manifest lists more data than Lethe checks in one archive');
    }

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
      // Never more than the manifest lists, plus one byte to tell "longer" from "equal".
      const actual = await hashEntry(entry, options, budget, listed.size + 1);
      checked += 1;
      if (actual === 'damaged') problems.push({ file: entry.filename, problem: 'hash_mismatch' });
      else if (actual.size !== listed.size) problems.push({ file: entry.filename, problem: 'size_mismatch' });
      else if (actual.sha256 !== listed.sha256) problems.push({ file: entry.filename, problem: 'hash_mismatch' });
    }
    for (const file of manifest.files) if (!seen.has(file.path)) problems.push({ file: file.path, problem: 'missing' });
    return { ok: problems.length === 0, checked, problems, manifest, inflatedBytes: budget.inflated };
  } finally {
    await reader.close();
  }
}

/**
 * Two central-directory records whose data share bytes are how one small deflate stream is made
 * to count many times over (the "overlapping" ZIP bomb). Each entry's data starts after its local
 * header and name, so an entry starting before the previous one's end overlaps it; no ZIP writer
 * produces that. (Local extra fields and data descriptors only make entries longer, so this lower
 * bound never refuses a well-formed archive.)
 */
function assertNoOverlap(files: FileEntry[]): void {
  const byOffset = [...files].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    const end = previous.offset + LOCAL_HEADER_BYTES + previous.rawFilename.length + previous.compressedSize;
    if (byOffset[i]!.offset < end) throw invalid('archive_malformed', 'The archive is malformed: two of its entries share their data');
  }
}

async function readManifest(entry: FileEntry, options: VerifyOptions, budget: { inflated: number }): Promise<Manifest> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES)
    throw invalid('archive_manifest_invalid', 'The manifest is too large to be a Lethe manifest');
  const content = await hashEntry(entry, options, budget, MAX_MANIFEST_BYTES + 1, true);
  if (content === 'damaged' || content.text === undefined || content.size > MAX_MANIFEST_BYTES)
    throw invalid('archive_manifest_invalid', 'The manifest is damaged');
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

const cancelled = () => new LetheError('cancelled', 'Checking the archive was cancelled');

/**
 * Streams one entry through SHA-256, stopping once `limit` bytes have come out: a longer entry is
 * reported with the size it reached, and nothing past the limit is ever inflated.
 */
async function hashEntry(
  entry: FileEntry,
  options: VerifyOptions,
  budget: { inflated: number },
  limit: number,
  keepText = false,
): Promise<{ size: number; sha256: string; text?: string } | 'damaged'> {
  const tally = new Tally();
  const decoder = keepText ? new TextDecoder('utf-8', { fatal: false }) : null;
  let text = '';
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]);
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      const room = limit - tally.size;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      tally.update(part);
      budget.inflated += part.length;
      if (decoder !== null) text += decoder.decode(part, { stream: true });
      if (tally.size >= limit) stop.abort();
    },
  });
  try {
    await entry.getData(sink, {
      ...(options.password === undefined ? {} : { password: options.password }),
      signal,
      checkOverlappingEntry: true,
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw cancelled();
    if (stop.signal.aborted) return { size: tally.size, sha256: tally.hex() };
    const message = error instanceof Error ? error.message : '';
    if (message === ERR_OVERLAPPING_ENTRY)
      throw invalid('archive_malformed', 'The archive is malformed: two of its entries share their data');
    if (message === ERR_ENCRYPTED) throw invalid('archive_password_required', 'The archive is encrypted: enter its passphrase');
    if (message === ERR_INVALID_PASSWORD) throw invalid('archive_password_wrong', 'The passphrase does not open this archive');
    // A CRC-32 or authentication-code failure, bad deflate data, a short entry: whatever the cause,
    // these bytes cannot be shown to be the ones the manifest lists.
    return 'damaged';
  }
  if (decoder !== null) text += decoder.decode();
  return { size: tally.size, sha256: tally.hex(), ...(decoder === null ? {} : { text }) };
}
