import { secretAccounts } from '../secrets/secret-store';
import { randomBytes } from 'node:crypto';
import { LetheError } from '../../../shared/errors';
import type { SqliteDb } from '../db';
import { registerSecret } from '../log/logger';
import type { SecretStore } from '../secrets/secret-store';

export const auditKeyAccount = (workspaceId: string): string => secretAccounts.auditKey(workspaceId);

const HEX_KEY = /^[0-9a-f]{64}$/;
// Per open register connection: a core that reopens the store reads the keychain again.
const cached = new WeakMap<SqliteDb, Buffer>();

/**
 * The per-workspace key behind `subjectRef`. It lives in the keychain, never in the register
 * file, so a copy of the file alone cannot test a guessed e-mail against the log. Created on
 * first use; a missing key once the log names subjects is an error, never a reason to make a new
 * one: a new key would silently split every subject's history in two.
 */
export async function getAuditKey(secrets: SecretStore, workspaceId: string, db: SqliteDb): Promise<Buffer> {
  const hit = cached.get(db);
  if (hit) return hit;
  const account = auditKeyAccount(workspaceId);
  let hex = await secrets.get(account);
  if (hex !== null && !HEX_KEY.test(hex)) {
    throw new LetheError('secret_missing', 'The audit subject key in the keychain is malformed; it was left untouched');
  }
  if (hex === null) {
    const named = db.prepare('SELECT COUNT(*) FROM audit_log WHERE subject_ref IS NOT NULL').pluck().get() as number;
    if (named > 0) {
      throw new LetheError(
        'secret_missing',
        'The audit subject key is missing from the keychain although the audit log refers to subjects; restore the keychain entry ' +
          `"${account}" so subject references stay consistent`,
      );
    }
    hex = randomBytes(32).toString('hex');
    await secrets.set(account, hex);
  }
  registerSecret(hex);
  const key = Buffer.from(hex, 'hex');
  cached.set(db, key);
  return key;
}
