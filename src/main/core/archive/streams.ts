import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { LetheError } from '../../../shared/errors';
import type { AttachmentSource } from './input';

/** Bytes through a stream, counted and hashed on the way; read once the stream is done. */
export class Tally {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  add(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/**
 * The ZIP's destination: every byte goes to the file and into the whole-archive hash, in order,
 * one write at a time (the stream queue serialises them), so the hash is of exactly what is on disk.
 */
export function fileSink(handle: FileHandle, tally: Tally): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      tally.add(chunk);
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    },
  });
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
 * A pull stream over `chunks` for the ZIP writer: each chunk is tallied as it is handed over,
 * the signal is checked before every read, and cancellation reaches the source.
 */
export function tallyingStream(chunks: AsyncIterator<Uint8Array>, tally: Tally, onChunk: (bytes: number) => void, signal?: AbortSignal): ReadableStream<Uint8Array> {
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
        const chunk = next.value instanceof Uint8Array ? next.value : new Uint8Array(next.value);
        tally.add(chunk);
        onChunk(chunk.byteLength);
        controller.enqueue(chunk);
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}
