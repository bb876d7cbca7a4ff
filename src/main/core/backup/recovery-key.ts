import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { LetheError } from '../../../shared/errors';

/**
 * The recovery key: 32 random bytes shown to the officer once (and on demand) as 13 groups of
 * four base32 letters, to be written down or kept in the organisation's password vault. It is the
 * only way back to the workspace key when the keychain that held it is gone, so everything that
 * can recover a workspace (the key-wrap file, a backup file) is encrypted under a key derived
 * from it.
 *
 * scrypt, although the key is already 256 random bits: a key that was mistyped into a weaker
 * secret, or chosen by hand, still costs an attacker 32 MiB and tens of milliseconds per guess.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_BYTES = 32;
const KEY_CHARS = Math.ceil((KEY_BYTES * 8) / 5); // 52

export const RECOVERY_KEY_PATTERN = /^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/;

export function newRecoveryKey(): string {
  return formatRecoveryKey(randomBytes(KEY_BYTES));
}

function formatRecoveryKey(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join('-');
}

function wrongKey(): LetheError {
  return new LetheError('recovery_key_wrong', 'That is not a recovery key: 52 letters A–Z and digits 2–7, in groups of four.');
}

/**
 * The recovery key as typed: case, spaces and dashes do not matter; 0/1/8 (never in the alphabet)
 * are read as O/I/B, the usual misreadings of a handwritten key.
 */
export function normalizeRecoveryKey(typed: string): string {
  const plain = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/0/g, 'O')
    .replace(/1/g, 'I')
    .replace(/8/g, 'B');
  if (plain.length !== KEY_CHARS || !/^[A-Z2-7]+$/.test(plain)) throw wrongKey();
  return plain.match(/.{1,4}/g)!.join('-');
}

export interface KdfParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
}

export function newKdfParams(): KdfParams {
  return { name: 'scrypt', N: 2 ** 15, r: 8, p: 1, salt: randomBytes(16).toString('base64') };
}

function scrypt(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, length, options, (e, key) => (e ? reject(e) : resolve(key))));
}

export interface DerivedKeys {
  /** AES-256-GCM key. */
  encryptionKey: Buffer;
  /** Stored beside the ciphertext: tells a wrong recovery key from a damaged file. */
  keyCheck: string;
}

export async function deriveKeys(recoveryKey: string, kdf: KdfParams): Promise<DerivedKeys> {
  const normalized = normalizeRecoveryKey(recoveryKey);
  // Bounded so a crafted file cannot make us allocate gigabytes.
  if (kdf.N > 2 ** 20 || kdf.r > 16 || kdf.p > 4)
    throw new LetheError('backup_damaged', 'The file asks for an unreasonable key derivation.');
  const material = await scrypt(normalized, Buffer.from(kdf.salt, 'base64'), 64, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * kdf.N * kdf.r + 1024 * 1024,
  });
  const keyCheck = createHash('sha256').update('lethe recovery key check').update(material.subarray(32)).digest('base64').slice(0, 22);
  return { encryptionKey: material.subarray(0, 32), keyCheck };
}

/** Throws recovery_key_wrong when `derived` does not match the check stored with a file. */
export function assertKeyCheck(derived: DerivedKeys, stored: string): void {
  const a = Buffer.from(derived.keyCheck);
  const b = Buffer.from(stored);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new LetheError(
      'recovery_key_wrong',
      'This recovery key does not open this file. Check it letter by letter; it belongs to the workspace the file was made from.',
    );
  }
}
