import { crc32, deflateRawSync } from 'node:zlib';

/** One local file (header + data) of a hand-built ZIP, and what its central records claim about it. */
export interface RawFile {
  name: string;
  /** The bytes as stored after the local header. */
  stored: Buffer;
  method: 0 | 8;
  crc: number;
  size: number;
}

export function rawFile(name: string, content: Buffer, method: 0 | 8 = 8): RawFile {
  return {
    name,
    stored: method === 8 ? deflateRawSync(content, { level: 9 }) : content,
    method,
    crc: crc32(content),
    size: content.length,
  };
}

/** A central record: `name` pointing at local file `local`, optionally claiming another size. */
export interface RawRecord {
  name: string;
  local: number;
  size?: number;
}

/**
 * Writes a ZIP byte by byte so tests can build what no ZIP library would: several central
 * records over one local file (overlapping entries), sizes that lie. Small by construction.
 */
export function hostileZip(locals: RawFile[], records: RawRecord[]): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const f of locals) {
    const name = Buffer.from(f.name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(f.method, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(0x21, 12);
    header.writeUInt32LE(f.crc >>> 0, 14);
    header.writeUInt32LE(f.stored.length, 18);
    header.writeUInt32LE(f.size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    offsets.push(at);
    parts.push(header, name, f.stored);
    at += header.length + name.length + f.stored.length;
  }
  const cdStart = at;
  for (const r of records) {
    const f = locals[r.local]!;
    const name = Buffer.from(r.name, 'utf8');
    const rec = Buffer.alloc(46);
    rec.writeUInt32LE(0x02014b50, 0);
    rec.writeUInt16LE(20, 4);
    rec.writeUInt16LE(20, 6);
    rec.writeUInt16LE(0x0800, 8);
    rec.writeUInt16LE(f.method, 10);
    rec.writeUInt16LE(0, 12);
    rec.writeUInt16LE(0x21, 14);
    rec.writeUInt32LE(f.crc >>> 0, 16);
    rec.writeUInt32LE(f.stored.length, 20);
    rec.writeUInt32LE(r.size ?? f.size, 24);
    rec.writeUInt16LE(name.length, 28);
    rec.writeUInt32LE(offsets[r.local]!, 42);
    parts.push(rec, name);
    at += rec.length + name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(at - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}
