import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LetheError } from '../../../shared/errors';
import { createHash } from 'node:crypto';
import { fixtureInput } from './testing/fixture';
import { hostileZip, rawFile } from './testing/hostile-zip';
import { readZip, writeZip } from './testing/zip-files';
import { verifyArchive } from './verify-archive';
import { writeArchive } from './write-archive';

let dir: string;
let archive: string;
let encrypted: string;
const password = 'a long enough passphrase';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lethe-verify-'));
  archive = join(dir, 'access.zip');
  encrypted = join(dir, 'encrypted.zip');
  await writeArchive(fixtureInput(), { targetPath: archive });
  await writeArchive(fixtureInput({ kind: 'portability' }), { targetPath: encrypted, password });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A new, internally consistent ZIP (valid CRCs) with the entries of the archive changed by `edit`. */
async function rewritten(name: string, edit: (entries: Map<string, Uint8Array>) => void): Promise<string> {
  const entries = new Map<string, Uint8Array>(await readZip(archive));
  edit(entries);
  const path = join(dir, name);
  await writeZip(path, entries);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<LetheError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LetheError);
  return error as LetheError;
}

describe('verifyArchive', () => {
  it('accepts an archive as written, having hashed every listed file', async () => {
    const result = await verifyArchive(archive);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(result.manifest.files.length);
    expect(result.checked).toBe(18);
  });

  it('finds one changed byte in one file of a rewritten ZIP', async () => {
    const path = await rewritten('changed.zip', (entries) => {
      const bytes = new Uint8Array(entries.get('data/comments.json')!);
      bytes[10] = bytes[10]! ^ 0x01;
      entries.set('data/comments.json', bytes);
    });
    const result = await verifyArchive(path);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ file: 'data/comments.json', problem: 'hash_mismatch' }]);
  });

  it('finds a changed byte in a large attachment', async () => {
    const path = await rewritten('changed-attachment.zip', (entries) => {
      const bytes = new Uint8Array(entries.get('attachments/501/a1-photo.png')!);
      bytes[2_000_000] = bytes[2_000_000]! ^ 0x80;
      entries.set('attachments/501/a1-photo.png', bytes);
    });
    expect((await verifyArchive(path)).problems).toEqual([{ file: 'attachments/501/a1-photo.png', problem: 'hash_mismatch' }]);
  });

  it('finds a file whose size changed', async () => {
    const path = await rewritten('longer.zip', (entries) => {
      entries.set('data/tickets.csv', Buffer.concat([entries.get('data/tickets.csv')!, Buffer.from('x')]));
    });
    expect((await verifyArchive(path)).problems).toEqual([{ file: 'data/tickets.csv', problem: 'size_mismatch' }]);
  });

  it('finds a missing file', async () => {
    const path = await rewritten('missing.zip', (entries) => entries.delete('attachments/501/a2-notes.txt'));
    const result = await verifyArchive(path);
    expect(result.problems).toEqual([{ file: 'attachments/501/a2-notes.txt', problem: 'missing' }]);
    expect(result.checked).toBe(17);
  });

  it('finds a file the manifest does not list', async () => {
    const path = await rewritten('extra.zip', (entries) => entries.set('attachments/501/extra.exe', Buffer.from('MZ')));
    expect((await verifyArchive(path)).problems).toEqual([{ file: 'attachments/501/extra.exe', problem: 'unexpected_file' }]);
  });

  it('reports damage to the stored bytes of the original ZIP as a hash mismatch', async () => {
    const raw = Buffer.from(await readFile(archive));
    // Attachments are stored, not deflated, so their bytes sit in the file as they are.
    const original = (await readZip(archive)).get('attachments/501/a1-photo.png')!;
    const at = raw.indexOf(original.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    raw[at + 500_000] = raw[at + 500_000]! ^ 0xff;
    const path = join(dir, 'flipped.zip');
    await writeFile(path, raw);
    expect((await verifyArchive(path)).problems).toEqual([{ file: 'attachments/501/a1-photo.png', problem: 'hash_mismatch' }]);
  });

  it('verifies an encrypted archive with its passphrase and refuses without it or with a wrong one', async () => {
    const result = await verifyArchive(encrypted, { password });
    expect(result.ok).toBe(true);
    expect(result.manifest.encrypted).toBe(true);
    expect((await refusal(verifyArchive(encrypted))).details).toEqual({ reason: 'archive_password_required' });
    expect((await refusal(verifyArchive(encrypted, { password: 'not the right one' }))).details).toEqual({
      reason: 'archive_password_wrong',
    });
  });

  it('refuses a file that is not a ZIP, a ZIP without manifest, a broken manifest, and a missing file', async () => {
    const notZip = join(dir, 'not.zip');
    await writeFile(notZip, 'PK but not really a zip file at all');
    let error = await refusal(verifyArchive(notZip));
    expect(error.code).toBe('invalid_input');
    expect(error.details).toEqual({ reason: 'archive_not_zip' });

    error = await refusal(verifyArchive(await rewritten('no-manifest.zip', (entries) => entries.delete('manifest.json'))));
    expect(error.details).toEqual({ reason: 'archive_manifest_missing' });

    error = await refusal(
      verifyArchive(await rewritten('bad-manifest.zip', (entries) => entries.set('manifest.json', Buffer.from('{"files": ')))),
    );
    expect(error.details).toEqual({ reason: 'archive_manifest_invalid' });

    error = await refusal(
      verifyArchive(await rewritten('foreign-manifest.zip', (entries) => entries.set('manifest.json', Buffer.from('{"files": []}')))),
    );
    expect(error.details).toEqual({ reason: 'archive_manifest_invalid' });

    error = await refusal(verifyArchive(join(dir, 'nowhere.zip')));
    expect(error.code).toBe('not_found');
  });

  describe('hostile archives (bounded work)', () => {
    const MiB = 1024 * 1024;
    const zeros = Buffer.alloc(8 * MiB);
    const zerosSha = createHash('sha256').update(zeros).digest('hex');

    /** The real archive's manifest, listing `files` instead of its own. */
    async function manifestListing(files: Array<{ path: string; size: number; sha256: string }>): Promise<Buffer> {
      const real = JSON.parse((await readZip(archive)).get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
      return Buffer.from(JSON.stringify({ ...real, files }));
    }

    it('refuses entries that overlap one deflate stream as malformed, before inflating any of them', async () => {
      const names = ['data/a.bin', 'data/b.bin', 'data/c.bin', 'data/d.bin'];
      const manifest = rawFile(
        'manifest.json',
        await manifestListing(names.map((path) => ({ path, size: zeros.length, sha256: zerosSha }))),
      );
      const bomb = rawFile('data/a.bin', zeros);
      const path = join(dir, 'overlap.zip');
      await writeFile(
        path,
        hostileZip([manifest, bomb], [{ name: 'manifest.json', local: 0 }, ...names.map((name) => ({ name, local: 1 }))]),
      );
      expect((await readFile(path)).length).toBeLessThan(64 * 1024);
      const error = await refusal(verifyArchive(path));
      expect(error.code).toBe('invalid_input');
      expect(error.details).toEqual({ reason: 'archive_malformed' });
    });

    it('stops inflating an entry at the size its manifest lists', async () => {
      const manifest = rawFile('manifest.json', await manifestListing([{ path: 'data/a.bin', size: 1000, sha256: zerosSha }]));
      const bomb = rawFile('data/a.bin', zeros);
      const path = join(dir, 'longer-than-listed.zip');
      // The manifest lists 1000 bytes; the entry inflates to 8 MiB, as its central record says.
      await writeFile(
        path,
        hostileZip(
          [manifest, bomb],
          [
            { name: 'manifest.json', local: 0 },
            { name: 'data/a.bin', local: 1 },
          ],
        ),
      );
      const result = await verifyArchive(path);
      expect(result.problems).toEqual([{ file: 'data/a.bin', problem: 'size_mismatch' }]);
      expect(result.inflatedBytes).toBeLessThan(2 * MiB);
    });

    it('refuses an archive whose manifest adds up to more than the limit, before inflating anything', async () => {
      const error = await refusal(verifyArchive(archive, { maxTotalBytes: 1024 }));
      expect(error.code).toBe('invalid_input');
      expect(error.details).toEqual({ reason: 'archive_too_large' });
      const normal = await verifyArchive(archive);
      const manifestBytes = (await readZip(archive)).get('manifest.json')!.length;
      expect(normal.inflatedBytes).toBe(normal.manifest.files.reduce((n, f) => n + f.size, manifestBytes));
    });

    it('stops when its signal is aborted, with cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await refusal(verifyArchive(archive, { signal: controller.signal }));
      expect(error.code).toBe('cancelled');
    });
  });
});
