import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { LetheError } from '../../../shared/errors';
import type { AttachmentSource } from './input';

/** Where bytes are counted and hashed on their way through. */
export interface ByteSink {
  update(chunk: Uint8Array): void;
}

/** Bytes counted and hashed as they pass; read the digest once they have all passed. */
export class Tally implements ByteSink {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/** Enough to keep the disk busy while the next batch is produced; two batches at most are held. */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Below the IOV_MAX of every platform we run on (1024). */
const WRITE_BATCH_BUFFERS = 512;

export interface FileSink {
  /** Takes ownership of the chunk; resolves when the caller may produce the next one. */
  write(chunk: Uint8Array): Promise<void>;
  /** Writes what is still batched and waits for it. */
  close(): Promise<void>;
  /** The same sink for writers that want a web stream (zip.js). */
  stream: WritableStream<Uint8Array>;
  /** Resolves once no write is in flight; call before closing the handle on failure. */
  settled(): Promise<void>;
}

/**
 * The ZIP's destination. Every byte goes into the whole-archive hash as it is accepted and to the
 * file in the same order, so the archive's SHA-256 costs no second read. Chunks are gathered into
 * batches written with one writev while the ZIP writer produces the next batch, so hashing and CRC
 * work overlaps the disk instead of waiting for it; a write error surfaces on the next write or on close.
 */
export function fileSink(handle: FileHandle, tally: ByteSink): FileSink {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let inflight: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;

  const startBatch = () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    inflight = inflight
      .then(() => (failure === null ? writeAll(handle, batch) : undefined))
      .catch((error: unknown) => {
        failure ??= { error };
      });
  };
  const check = () => {
    if (failure !== null) throw failure.error;
  };
  const write = async (chunk: Uint8Array) => {
    check();
    tally.update(chunk);
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= WRITE_BATCH_BYTES || pending.length >= WRITE_BATCH_BUFFERS) {
      await inflight;
      check();
      startBatch();
    }
  };
  const close = async () => {
    startBatch();
    await inflight;
    check();
  };

  const stream = new WritableStream<Uint8Array>({
    write,
    close,
    async abort() {
      pending = [];
      await inflight;
    },
  });
  return { write, close, stream, settled: () => inflight };
}

async function writeAll(handle: FileHandle, buffers: Uint8Array[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    const next: Uint8Array[] = [];
    for (const buffer of rest) {
      if (bytesWritten >= buffer.byteLength) {
        bytesWritten -= buffer.byteLength;
        continue;
      }
      next.push(bytesWritten > 0 ? buffer.subarray(bytesWritten) : buffer);
      bytesWritten = 0;
    }
    rest = next;
  }
}

export function cancelledError(): LetheError {
  return new LetheError('cancelled', 'Writing the archive was cancelled; nothing was saved');
}

/** Reads any accepted source chunk by chunk; leaving early cancels it, so no file or socket is left open. */
export async function* chunksOf(source: AttachmentSource): AsyncGenerator<Uint8Array> {
  if ('getReader' in source && typeof source.getReader === 'function') {
    const reader = source.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/** Text produced piece by piece, encoded as UTF-8 piece by piece. */
export async function* encodeText(pieces: Iterable<string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let pending = '';
  for (const piece of pieces) {
    pending += piece;
    // Small pieces are gathered so the ZIP writer sees fewer, larger chunks.
    if (pending.length >= 64 * 1024) {
      yield encoder.encode(pending);
      pending = '';
    }
  }
  if (pending.length > 0) yield encoder.encode(pending);
}

/**
 * A pull stream over `chunks` for the ZIP writer: each chunk is counted and hashed as it is handed
 * over, the signal is checked before every read, and cancellation reaches the source.
 */
export function tallyingStream(
  chunks: AsyncIterator<Uint8Array>,
  hash: ByteSink,
  onChunk: (bytes: number) => void,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (signal?.aborted === true) {
          await chunks.return?.();
          controller.error(cancelledError());
          return;
        }
        const next = await chunks.next();
        if (next.done === true) {
          controller.close();
          return;
        }
        hash.update(next.value);
        onChunk(next.value.byteLength);
        controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * `chunks` as they pass to the native ZIP writer: each counted and hashed, the signal checked
 * before every chunk; leaving early (abort, write error) closes the source.
 */
export async function* tallied(
  chunks: AsyncIterable<Uint8Array>,
  hash: ByteSink,
  onChunk: (bytes: number) => void,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  // A function, so TypeScript does not treat the flag as fixed after the first look.
  const stop = () => signal?.aborted === true;
  if (stop()) throw cancelledError();
  for await (const chunk of chunks) {
    if (stop()) throw cancelledError();
    hash.update(chunk);
    onChunk(chunk.byteLength);
    yield chunk;
  }
}
