import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LetheError } from '../../../shared/errors';
import { assertKeyCheck, deriveKeys, newKdfParams } from './recovery-key';

/**
 * One sealed file under the recovery key: a backup, or the key-wrap file beside a workspace.
 *
 *   "LETHEENV" | u32 BE header length | header (JSON, UTF-8) | AES-256-GCM ciphertext | 16-byte tag
 *
 * The header is in clear (what the file is, when it was made, for which workspace: no personal
 * data, no secret) and authenticated as GCM's additional data, so changing a byte anywhere fails
 * the tag. The header's `keyCheck` separates "wrong recovery key" from "damaged file"; both are
 * refused before anything is written.
 */
const MAGIC = Buffer.from('LETHEENV', 'ascii');
const TAG_BYTES = 16;
const MAX_HEADER = 16 * 1024;
export const ENVELOPE_VERSION = 1;

const Header = z
  .object({
    format: z.literal('lethe-envelope'),
    version: z.number().int().min(1),
    kind: z.enum(['backup', 'key-wrap']),
    createdAt: z.string().max(64),
    workspace: z.object({ id: z.string().regex(/^ws_[a-z0-9]{8,32}$/), name: z.string().max(200) }).strict(),
    kdf: z
      .object({
        name: z.literal('scrypt'),
        N: z.number().int().min(2),
        r: z.number().int().min(1),
        p: z.number().int().min(1),
        salt: z.string().max(64),
      })
      .strict(),
    keyCheck: z.string().max(64),
    cipher: z.literal('aes-256-gcm'),
    iv: z.string().max(32),
  })
  .strict();
export type EnvelopeHeader = z.infer<typeof Header>;
export type EnvelopeKind = EnvelopeHeader['kind'];

function damaged(why: string): LetheError {
  return new LetheError('backup_damaged', `The file is not an intact Lethe backup or key file (${why}); nothing was changed.`, {
    reason: why,
  });
}

export async function seal(
  kind: EnvelopeKind,
  workspace: { id: string; name: string },
  recoveryKey: string,
  plaintext: Buffer,
  createdAt: string,
): Promise<Buffer> {
  const kdf = newKdfParams();
  const derived = await deriveKeys(recoveryKey, kdf);
  const iv = randomBytes(12);
  const header: EnvelopeHeader = {
    format: 'lethe-envelope',
    version: ENVELOPE_VERSION,
    kind,
    createdAt,
    workspace,
    kdf,
    keyCheck: derived.keyCheck,
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const aad = Buffer.concat([MAGIC, length, headerBytes]);
  const cipher = createCipheriv('aes-256-gcm', derived.encryptionKey, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([aad, body, cipher.getAuthTag()]);
}

/** The header alone, without the key: what the file says it is (shown before asking for the key). */
export function readHeader(file: Buffer): { header: EnvelopeHeader; aad: Buffer } {
  if (file.length < MAGIC.length + 4 + TAG_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw damaged('not_a_lethe_file');
  const length = file.readUInt32BE(MAGIC.length);
  if (length > MAX_HEADER || MAGIC.length + 4 + length + TAG_BYTES > file.length) throw damaged('bad_header');
  const aad = file.subarray(0, MAGIC.length + 4 + length);
  let json: unknown;
  try {
    json = JSON.parse(aad.subarray(MAGIC.length + 4).toString('utf8'));
  } catch {
    throw damaged('bad_header');
  }
  if (typeof json === 'object' && json !== null && 'version' in json && Number(json.version) > ENVELOPE_VERSION) {
    throw new LetheError('db_from_future', 'The file was written by a newer Lethe; update Lethe to read it. Nothing was changed.');
  }
  const parsed = Header.safeParse(json);
  if (!parsed.success) throw damaged('bad_header');
  return { header: parsed.data, aad };
}

export async function open(file: Buffer, recoveryKey: string, kind: EnvelopeKind): Promise<{ header: EnvelopeHeader; plaintext: Buffer }> {
  const { header, aad } = readHeader(file);
  if (header.kind !== kind) throw damaged(kind === 'backup' ? 'not_a_backup' : 'not_a_key_file');
  const derived = await deriveKeys(recoveryKey, header.kdf);
  assertKeyCheck(derived, header.keyCheck);
  const iv = Buffer.from(header.iv, 'base64');
  if (iv.length !== 12) throw damaged('bad_header');
  const decipher = createDecipheriv('aes-256-gcm', derived.encryptionKey, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  try {
    const plaintext = Buffer.concat([decipher.update(file.subarray(aad.length, file.length - TAG_BYTES)), decipher.final()]);
    return { header, plaintext };
  } catch {
    throw damaged('tampered');
  }
}
