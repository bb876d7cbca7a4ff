import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LetheError } from '../../../shared/errors';

/**
 * The plaintext inside a backup envelope: a manifest, then the files' bytes in manifest order.
 *
 *   u32 BE manifest length | manifest (JSON) | file 1 | file 2 | …
 *
 * Held in memory whole: the durable stores are small (the register and journal, never the
 * helpdesk cache), and one buffer keeps the format simple to check.
 */

/** Only these names can come out of a backup, so a crafted manifest cannot write elsewhere. */
export const FILE_NAME = /^(?:(?:register|journal)\.db(?:-wal)?|actions\.json|receipts\/[A-Za-z0-9_.-]{1,200})$/;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/i);

export const Manifest = z
  .object({
    format: z.literal('lethe-backup'),
    version: z.literal(1),
    createdAt: z.string().max(64),
    /** The workspace's entry in lethe.json: address and agent e-mail, never the API token. */
    workspace: z
      .object({
        id: z.string().regex(/^ws_[a-z0-9]{8,32}$/),
        name: z.string().max(200),
        kind: z.literal('zendesk'),
        baseUrl: z.string().max(2048),
        email: z.string().max(320),
        createdAt: z.string().max(64),
        updatedAt: z.string().max(64),
      })
      .strict(),
    keys: z.object({ dbKey: hex64, auditKey: hex64.nullable() }).strict(),
    /** lethe.json's settings, parsed again on restore. */
    settings: z.record(z.string(), z.unknown()),
    counts: z.object({ requests: z.number().int().min(0), auditEntries: z.number().int().min(0) }).strict(),
    files: z
      .array(
        z
          .object({
            name: z.string().regex(FILE_NAME),
            size: z.number().int().min(0),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export function packPayload(manifest: Omit<Manifest, 'files'>, files: { name: string; data: Buffer }[]): Buffer {
  const full: Manifest = { ...manifest, files: files.map((f) => ({ name: f.name, size: f.data.length, sha256: sha256(f.data) })) };
  const json = Buffer.from(JSON.stringify(Manifest.parse(full)), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, ...files.map((f) => f.data)]);
}

function damaged(why: string): LetheError {
  return new LetheError('backup_damaged', `The backup's contents do not check out (${why}); nothing was changed.`, { reason: why });
}

export function unpackPayload(payload: Buffer): { manifest: Manifest; files: Map<string, Buffer> } {
  if (payload.length < 4) throw damaged('short');
  const length = payload.readUInt32BE(0);
  if (4 + length > payload.length) throw damaged('short');
  let json: unknown;
  try {
    json = JSON.parse(payload.subarray(4, 4 + length).toString('utf8'));
  } catch {
    throw damaged('manifest');
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) throw damaged('manifest');
  const files = new Map<string, Buffer>();
  let offset = 4 + length;
  for (const entry of parsed.data.files) {
    if (files.has(entry.name)) throw damaged('duplicate_file');
    const data = payload.subarray(offset, offset + entry.size);
    if (data.length !== entry.size || sha256(data) !== entry.sha256) throw damaged(`file_${entry.name}`);
    files.set(entry.name, data);
    offset += entry.size;
  }
  if (offset !== payload.length) throw damaged('trailing_bytes');
  if (!files.has('register.db')) throw damaged('no_register');
  return { manifest: parsed.data, files };
}
