import { ZipWriter } from '@zip.js/zip.js';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { LetheError } from '../../../shared/errors';
import { syncDirectory, tempPathFor } from '../fs/atomic-write';
import { requestBasis } from './citations';
import { indexHtml } from './index-html';
import { informationSheetHtml, informationSheetText, portabilityReadme } from './information-sheet';
import { archiveInputSchema, type ArchiveInput, type ArchiveInputDraft } from './input';
import { MANIFEST_FORMAT, MANIFEST_PATH, type Manifest, type ManifestFile } from './manifest';
import { RECORD_TYPES, planArchive, type ArchivePlan, type RecordType } from './project';
import { CSV_COLUMNS, csvRecords, jsonRecords } from './record-files';
import { Tally, cancelledError, chunksOf, encodeText, fileSink, tallied, tallyingStream, type ByteSink, type FileSink } from './streams';
import { ZipStreamWriter } from './zip-stream';

export const MIN_PASSPHRASE_LENGTH = 12;
/** Generated files are text and shrink well; level 6 is the one zip.js hands to Node's native zlib. */
const TEXT_LEVEL = 6;
const PROGRESS_STEP_BYTES = 1024 * 1024;

export interface ArchiveProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  /** Starts from the sizes the helpdesk recorded and settles on the real total as files are written. */
  totalBytes: number;
}

export interface WriteArchiveOptions {
  targetPath: string;
  /** AES-256 (WinZip AE-2) for every entry; at least MIN_PASSPHRASE_LENGTH characters. */
  password?: string;
  onProgress?: (progress: ArchiveProgress) => void;
  signal?: AbortSignal;
  /** Every record in its ZIP64 form (unencrypted archives only), so tests can cover ZIP64 without 4 GiB. */
  zip64ForTests?: boolean;
}

export interface WriteArchiveResult {
  path: string;
  /** SHA-256 of the whole ZIP file as written. */
  sha256: string;
  size: number;
  manifest: Manifest;
}

interface Entry {
  path: string;
  level: number;
  /** Bytes expected, for progress; corrected once the entry is written. */
  estimate: number;
  /** null: the content is not available (an attachment missing from the cache). */
  open: () => Promise<AsyncIterable<Uint8Array> | null>;
  /** Called with what was actually written, or null when `open` gave nothing. */
  done?: (written: { size: number } | null) => void;
}

/**
 * Writes an access or portability archive for one data subject. Memory stays flat whatever the
 * attachment sizes: each entry is streamed through the ZIP writer and two hashes (the entry's, for
 * the manifest, and the whole file's) and nothing is held beyond a few chunks. The ZIP goes to a
 * temporary file beside the target, is fsynced and renamed over it, so the target is either the
 * old file or the complete new one; on failure or abort the temporary file is removed.
 */
export async function writeArchive(draft: ArchiveInputDraft, options: WriteArchiveOptions): Promise<WriteArchiveResult> {
  const input = parseInput(draft);
  const { targetPath, password, signal } = options;
  if (!isAbsolute(targetPath)) throw new LetheError('invalid_input', 'The archive path must be absolute');
  if (password !== undefined && [...password].length < MIN_PASSPHRASE_LENGTH) {
    throw new LetheError('invalid_input', `An archive passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  if (aborted(signal)) throw cancelledError();

  const plan = planArchive(input, { hideFileNames: password !== undefined });
  const files: ManifestFile[] = [];
  const entries = planEntries(input, plan);
  const progress = new ProgressReporter(entries, options.onProgress);

  const temp = tempPathFor(targetPath);
  const handle = await open(temp, 'wx', 0o600);
  const zipHash = new Tally();
  const sink = fileSink(handle, zipHash);
  let manifest: Manifest;
  let sha256: string;
  try {
    const zip = entryWriter(sink, input.generatedAt, password, options.zip64ForTests === true);
    const written: { path: string; hash: Tally }[] = [];
    for (const entry of entries) {
      if (aborted(signal)) throw cancelledError();
      const source = await entry.open();
      if (source === null) {
        entry.done?.(null);
        progress.skipped(entry);
        continue;
      }
      const hash = new Tally();
      await zip.add(entry.path, source, entry.level, hash, (n) => progress.advance(n), signal);
      written.push({ path: entry.path, hash });
      entry.done?.({ size: hash.size });
      progress.finished(entry, hash.size);
    }
    for (const { path, hash } of written) files.push({ path, size: hash.size, sha256: hash.hex() });
    manifest = buildManifest(input, plan, files, password !== undefined);
    const manifestText = encodeText([`${JSON.stringify(manifest, null, 2)}\n`]);
    await zip.add(MANIFEST_PATH, manifestText, TEXT_LEVEL, { update: () => undefined }, () => undefined, undefined);
    await zip.close();
    if (aborted(signal)) throw cancelledError();
    await handle.sync();
    sha256 = zipHash.hex();
  } catch (error) {
    // No write may still be pending when the descriptor closes and its number is reused.
    await sink.settled();
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw aborted(signal) ? cancelledError() : error;
  }
  await handle.close();
  try {
    await rename(temp, targetPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(targetPath));
  progress.complete();
  return { path: targetPath, sha256, size: zipHash.size, manifest };
}

interface EntryWriter {
  add(
    path: string,
    source: AsyncIterable<Uint8Array>,
    level: number,
    hash: ByteSink,
    onChunk: (bytes: number) => void,
    signal: AbortSignal | undefined,
  ): Promise<void>;
  /** Ends the ZIP and the sink. */
  close(): Promise<void>;
}

/**
 * Unencrypted archives go through our own writer (native CRC-32 and zlib, no chunk copies); zip.js
 * is kept for AES-256, which Node's zlib does not do and no other maintained writer does either.
 */
function entryWriter(sink: FileSink, generatedAt: string, password: string | undefined, zip64ForTests: boolean): EntryWriter {
  // A fixed date keeps identical inputs producing identical archives (bar encryption salts).
  const date = new Date(generatedAt);
  if (password === undefined) {
    const zip = new ZipStreamWriter(sink, { date, forceZip64: zip64ForTests });
    return {
      add: (path, source, level, hash, onChunk, signal) =>
        zip.add(path, tallied(source, hash, onChunk, signal), { level, ...(signal === undefined ? {} : { signal }) }),
      close: async () => {
        await zip.close();
        await sink.close();
      },
    };
  }
  const zip = new ZipWriter(sink.stream, { useWebWorkers: false, keepOrder: true, lastModDate: date, password, encryptionStrength: 3 });
  return {
    add: async (path, source, level, hash, onChunk, signal) => {
      const stream = tallyingStream(source[Symbol.asyncIterator](), hash, onChunk, signal);
      await zip.add(path, stream, { level, ...(signal === undefined ? {} : { signal }) });
    },
    close: async () => {
      await zip.close();
    },
  };
}

/** A function, not an inline check, so TypeScript does not treat the flag as fixed after the first look. */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function parseInput(draft: ArchiveInputDraft): ArchiveInput {
  const parsed = archiveInputSchema.safeParse(draft);
  if (parsed.success) return parsed.data;
  // Paths and messages only: the values are personal data and must not reach a log or a toast.
  const where = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
  throw new LetheError('invalid_input', `The archive input is not valid: ${where}`);
}

function dataTypes(input: ArchiveInput, plan: ArchivePlan): RecordType[] {
  return RECORD_TYPES.filter((type) => type === 'attachments' || plan.records[type] !== undefined).filter(
    (type) => CSV_COLUMNS[input.kind][type] !== undefined,
  );
}

function planEntries(input: ArchiveInput, plan: ArchivePlan): Entry[] {
  const entries: Entry[] = [];
  const unavailable = 'not available in the local cache when this archive was made';

  // Attachments first: the data files and the overview then describe what was really written.
  for (const attachment of plan.attachments) {
    entries.push({
      path: attachment.path,
      level: attachment.level,
      estimate: Number(attachment.record.size),
      open: async () => {
        const source = await input.openAttachment(attachment.id);
        return source === null ? null : chunksOf(source);
      },
      done: (written) => {
        if (written === null) {
          Object.assign(attachment.record, { included: false, path: null, note: unavailable });
        } else {
          attachment.record.size = written.size;
        }
      },
    });
  }

  const text = (path: string, render: () => Iterable<string>): Entry => ({
    path,
    level: TEXT_LEVEL,
    estimate: byteLength(render()),
    open: async () => encodeText(render()),
  });
  const types = dataTypes(input, plan);
  for (const type of types) {
    const columns = CSV_COLUMNS[input.kind][type] ?? [];
    const records = () => (type === 'attachments' ? plan.attachments.map((a) => a.record) : (plan.records[type] ?? []));
    entries.push(text(`data/${type}.json`, () => jsonRecords(records())));
    entries.push(text(`data/${type}.csv`, () => csvRecords(columns, records())));
  }

  if (plan.surfaces.length > 0) entries.push(text('data/other-places.json', () => jsonRecords(plan.surfaces)));

  const documents: { path: string; title: string }[] = [];
  const sheet = input.informationSheet;
  if (input.kind === 'access' && sheet !== null) {
    const sheetInput = { ...input, informationSheet: sheet };
    entries.push(text('information-sheet.html', () => informationSheetHtml(sheetInput)));
    entries.push(text('information-sheet.txt', () => informationSheetText(sheetInput)));
    documents.push({ path: 'information-sheet.html', title: 'Information about the processing (Art. 15(1)(a)-(h))' });
  } else {
    entries.push(text('README.txt', () => portabilityReadme(input)));
    documents.push({ path: 'README.txt', title: 'About this archive (data portability)' });
  }
  entries.push(text('index.html', () => indexHtml({ input, plan, recordTypes: types, documents })));
  return entries;
}

function buildManifest(input: ArchiveInput, plan: ArchivePlan, files: ManifestFile[], encrypted: boolean): Manifest {
  const included = plan.attachments.filter((a) => a.record.included === true);
  const missing = plan.attachments.length - included.length;
  const exclusions = [...plan.exclusions];
  if (missing > 0) {
    exclusions.push({
      category: 'attachments_unavailable',
      count: missing,
      reason: 'the file was not in the local cache when the archive was made; it can be requested again',
    });
  }
  return {
    format: MANIFEST_FORMAT,
    formatVersion: 1,
    kind: input.kind,
    regulation: input.regulation,
    legalBasis: requestBasis(input.regulation, input.kind),
    subjectRef: input.subject.ref,
    requestId: input.requestId,
    workspace: { id: input.workspace.id, name: input.workspace.name, baseUrl: input.workspace.baseUrl },
    generatedAt: input.generatedAt,
    dataAsOf: input.dataAsOf,
    letheVersion: input.letheVersion,
    encrypted,
    counts: {
      ...plan.counts,
      attachments: included.length,
      attachmentsUnavailable: missing,
      attachmentBytes: included.reduce((sum, a) => sum + Number(a.record.size), 0),
    },
    exclusions,
    files,
  };
}

function byteLength(pieces: Iterable<string>): number {
  let total = 0;
  for (const piece of pieces) total += Buffer.byteLength(piece, 'utf8');
  return total;
}

class ProgressReporter {
  private files = 0;
  private totalFiles: number;
  private bytes = 0;
  private totalBytes: number;
  private lastReported = 0;

  constructor(
    entries: readonly Entry[],
    private readonly onProgress: ((p: ArchiveProgress) => void) | undefined,
  ) {
    // +1 for the manifest, which is small enough to leave out of the byte count.
    this.totalFiles = entries.length + 1;
    this.totalBytes = entries.reduce((sum, e) => sum + e.estimate, 0);
  }

  advance(n: number): void {
    this.bytes += n;
    if (this.bytes - this.lastReported >= PROGRESS_STEP_BYTES) this.report();
  }

  finished(entry: Entry, size: number): void {
    this.files += 1;
    this.totalBytes += size - entry.estimate;
    this.report();
  }

  skipped(entry: Entry): void {
    this.totalFiles -= 1;
    this.totalBytes -= entry.estimate;
    this.report();
  }

  complete(): void {
    this.files = this.totalFiles;
    this.report();
  }

  private report(): void {
    this.lastReported = this.bytes;
    this.onProgress?.({
      files: this.files,
      totalFiles: this.totalFiles,
      bytes: this.bytes,
      totalBytes: Math.max(this.totalBytes, this.bytes),
    });
  }
}
