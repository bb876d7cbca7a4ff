import { BlobReader, BlobWriter, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter } from '@zip.js/zip.js';
import { openAsBlob } from 'node:fs';
import { writeFile } from 'node:fs/promises';

/** Every entry of a ZIP, in order (fine for test archives of a few MB). */
export async function readZip(path: string, password?: string): Promise<Map<string, Buffer>> {
  const reader = new ZipReader(new BlobReader(await openAsBlob(path)), {
    useWebWorkers: false,
    ...(password === undefined ? {} : { password }),
  });
  try {
    const out = new Map<string, Buffer>();
    for (const entry of await reader.getEntries()) {
      if (entry.directory) continue;
      out.set(entry.filename, Buffer.from(await entry.getData(new Uint8ArrayWriter())));
    }
    return out;
  } finally {
    await reader.close();
  }
}

/** Writes a fresh, internally valid ZIP (correct CRCs) holding `entries`: tampering a checksum cannot see. */
export async function writeZip(path: string, entries: Map<string, Uint8Array>): Promise<void> {
  const blobWriter = new BlobWriter('application/zip');
  const writer = new ZipWriter(blobWriter, { useWebWorkers: false });
  for (const [name, bytes] of entries) await writer.add(name, new Uint8ArrayReader(bytes));
  await writer.close();
  const blob = await blobWriter.getData();
  await writeFile(path, new Uint8Array(await blob.arrayBuffer()));
}

/** RFC 4180 parser, independent of the writer under test. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
    i += 1;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}
