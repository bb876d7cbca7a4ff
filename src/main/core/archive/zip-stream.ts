import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, crc32 } from 'node:zlib';

/**
 * A streaming ZIP writer for unencrypted archives (APPNOTE 6.3.10). zip.js computes CRC-32 in
 * JavaScript and copies every chunk through web streams; this one uses Node's native CRC-32 and
 * zlib and hands each chunk straight to the sink, which is what made archives several times
 * slower than a plain copy. Sizes are not known before an entry is streamed, so every entry has a
 * data descriptor (bit 3), as zip.js wrote them too. An entry, an offset or a count past the
 * 32-bit limits switches that record to ZIP64, the way Go's archive/zip does it: 8-byte sizes in
 * the descriptor, the ZIP64 extra field in the central directory, and the ZIP64 end records.
 */

export interface ZipSink {
  /** Takes ownership of the chunk: it is never touched again by the writer. */
  write(chunk: Uint8Array): Promise<void>;
}

export interface ZipStreamOptions {
  /** Modification time of every entry (MS-DOS local time, 2-second resolution). */
  date: Date;
  /**
   * Writes every record in its ZIP64 form even when small, so readers must take sizes and
   * offsets from the ZIP64 fields. For tests: a real 4 GiB entry is too big for a test run.
   */
  forceZip64?: boolean;
}

export interface ZipAddOptions {
  /** 0 stores the bytes; 1-9 deflates them through node:zlib. */
  level: number;
  signal?: AbortSignal;
}

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** Data descriptor follows (3) and the name is UTF-8 (11). */
const FLAGS = 0x0008 | 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** Unix host, so unzip restores ordinary file permissions (rw-r--r--) from the external attributes. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export class ZipStreamWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly dosTime: number;
  private readonly dosDate: number;
  private readonly forceZip64: boolean;
  private closed = false;

  constructor(
    private readonly sink: ZipSink,
    options: ZipStreamOptions,
  ) {
    [this.dosDate, this.dosTime] = dosDateTime(options.date);
    this.forceZip64 = options.forceZip64 === true;
  }

  /** Streams one entry. The caller awaits each add before the next: entries are written in order. */
  async add(path: string, source: AsyncIterable<Uint8Array>, options: ZipAddOptions): Promise<void> {
    if (this.closed) throw new Error('the ZIP is already closed');
    const name = Buffer.from(path, 'utf8');
    if (name.length === 0 || name.length > U16_MAX) throw new Error('a ZIP entry name must be 1 to 65535 bytes');
    const method = options.level > 0 ? 8 : 0;
    const offset = this.offset;
    await this.emit(this.localHeader(name, method));

    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    // The CRC and size are of the bytes as given, before deflating.
    const measured = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        crc = crc32(chunk, crc);
        size += chunk.byteLength;
        yield chunk;
      }
    };
    const write = async (chunks: AsyncIterable<Uint8Array>) => {
      for await (const chunk of chunks) {
        compressedSize += chunk.byteLength;
        await this.emit(chunk);
      }
    };
    if (method === 8) {
      await pipeline(
        measured(),
        createDeflateRaw({ level: options.level }),
        write,
        options.signal === undefined ? {} : { signal: options.signal },
      );
    } else {
      await write(measured());
    }

    const zip64 = this.forceZip64 || size >= U32_MAX || compressedSize >= U32_MAX;
    await this.emit(dataDescriptor(crc, compressedSize, size, zip64));
    this.entries.push({ name, method, crc, compressedSize, size, offset });
  }

  /** Writes the central directory and the end records; the sink is left for the caller to close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const start = this.offset;
    for (const entry of this.entries) await this.emit(this.centralHeader(entry));
    const size = this.offset - start;
    const count = this.entries.length;
    const zip64 = this.forceZip64 || count >= U16_MAX || start >= U32_MAX || size >= U32_MAX;
    if (zip64) {
      const recordOffset = this.offset;
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(MADE_BY, 12);
      record.writeUInt16LE(VERSION_ZIP64, 14);
      record.writeUInt32LE(0, 16);
      record.writeUInt32LE(0, 20);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      await this.emit(record);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(recordOffset), 8);
      locator.writeUInt32LE(1, 16);
      await this.emit(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(zip64 ? U16_MAX : count, 8);
    end.writeUInt16LE(zip64 ? U16_MAX : count, 10);
    end.writeUInt32LE(zip64 ? U32_MAX : size, 12);
    end.writeUInt32LE(zip64 ? U32_MAX : start, 16);
    end.writeUInt16LE(0, 20);
    await this.emit(end);
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    this.offset += chunk.byteLength;
    await this.sink.write(chunk);
  }

  private localHeader(name: Buffer, method: number): Buffer {
    // CRC and sizes are zero here and follow in the data descriptor (bit 3).
    const header = Buffer.alloc(30 + name.length);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(this.forceZip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(this.dosTime, 10);
    header.writeUInt16LE(this.dosDate, 12);
    header.writeUInt16LE(name.length, 26);
    name.copy(header, 30);
    return header;
  }

  private centralHeader(entry: CentralEntry): Buffer {
    const force = this.forceZip64;
    const bigSize = force || entry.size >= U32_MAX;
    const bigCompressed = force || entry.compressedSize >= U32_MAX;
    const bigOffset = force || entry.offset >= U32_MAX;
    // The ZIP64 extra holds only the fields whose 32-bit slot says 0xFFFFFFFF, in this order.
    const extraFields = [bigSize ? entry.size : null, bigCompressed ? entry.compressedSize : null, bigOffset ? entry.offset : null].filter(
      (v): v is number => v !== null,
    );
    const extraLength = extraFields.length === 0 ? 0 : 4 + 8 * extraFields.length;
    const header = Buffer.alloc(46 + entry.name.length + extraLength);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(MADE_BY, 4);
    header.writeUInt16LE(extraLength > 0 || force ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
    header.writeUInt16LE(FLAGS, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt16LE(this.dosTime, 12);
    header.writeUInt16LE(this.dosDate, 14);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(bigCompressed ? U32_MAX : entry.compressedSize, 20);
    header.writeUInt32LE(bigSize ? U32_MAX : entry.size, 24);
    header.writeUInt16LE(entry.name.length, 28);
    header.writeUInt16LE(extraLength, 30);
    header.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    header.writeUInt32LE(bigOffset ? U32_MAX : entry.offset, 42);
    entry.name.copy(header, 46);
    if (extraLength > 0) {
      const at = 46 + entry.name.length;
      header.writeUInt16LE(0x0001, at);
      header.writeUInt16LE(extraLength - 4, at + 2);
      extraFields.forEach((value, i) => header.writeBigUInt64LE(BigInt(value), at + 4 + 8 * i));
    }
    return header;
  }
}

function dataDescriptor(crc: number, compressedSize: number, size: number, zip64: boolean): Buffer {
  const descriptor = Buffer.alloc(zip64 ? 24 : 16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  if (zip64) {
    descriptor.writeBigUInt64LE(BigInt(compressedSize), 8);
    descriptor.writeBigUInt64LE(BigInt(size), 16);
  } else {
    descriptor.writeUInt32LE(compressedSize, 8);
    descriptor.writeUInt32LE(size, 12);
  }
  return descriptor;
}

/** MS-DOS date and time in local time, as zip.js and most ZIP tools write them; 1980 is the earliest. */
function dosDateTime(date: Date): [number, number] {
  const year = date.getFullYear();
  if (year < 1980) return [(1 << 5) | 1, 0];
  const dosDate = ((Math.min(year, 2107) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  const dosTime = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
  return [dosDate, dosTime];
}
