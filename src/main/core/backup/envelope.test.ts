import { describe, expect, it } from 'vitest';
import { open, readHeader, seal } from './envelope';
import { newRecoveryKey, normalizeRecoveryKey } from './recovery-key';

const ws = { id: 'ws_abcdefgh12', name: 'Acme' };

describe('the sealed envelope of backups and key files', () => {
  it('round-trips, and refuses the wrong key, any changed byte, another kind and a newer version', async () => {
    const key = newRecoveryKey();
    const plaintext = Buffer.from('register bytes');
    const file = await seal('backup', ws, key, plaintext, '2026-12-04T10:00:00.000Z');
    expect((await open(file, key, 'backup')).plaintext).toEqual(plaintext);
    expect(readHeader(file).header).toMatchObject({ kind: 'backup', workspace: ws, version: 1 });

    await expect(open(file, newRecoveryKey(), 'backup')).rejects.toMatchObject({ code: 'recovery_key_wrong' });
    await expect(open(file, key, 'key-wrap')).rejects.toMatchObject({ code: 'backup_damaged' });

    // A byte of the clear header (the workspace name), of the ciphertext, and of the tag.
    const at = [file.indexOf(Buffer.from('Acme')), file.length - 20, file.length - 1];
    for (const i of at) {
      const bad = Buffer.from(file);
      bad[i]! ^= 0x01;
      await expect(open(bad, key, 'backup')).rejects.toMatchObject({ code: 'backup_damaged' });
    }
    await expect(open(file.subarray(0, file.length - 5), key, 'backup')).rejects.toMatchObject({ code: 'backup_damaged' });
    await expect(open(Buffer.from('PK\u0003\u0004 not ours'), key, 'backup')).rejects.toMatchObject({ code: 'backup_damaged' });

    const newer = Buffer.from(file.toString('latin1').replace('"version":1', '"version":9'), 'latin1');
    await expect(open(newer, key, 'backup')).rejects.toMatchObject({ code: 'db_from_future' });
  });

  it('reads a recovery key as typed by hand', () => {
    const key = newRecoveryKey();
    expect(key).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
    expect(normalizeRecoveryKey(` ${key.toLowerCase().replace(/-/g, ' ')} `)).toBe(key);
    expect(normalizeRecoveryKey(key.replace(/O/g, '0').replace(/I/g, '1'))).toBe(key);
    expect(() => normalizeRecoveryKey('too-short')).toThrow(expect.objectContaining({ code: 'recovery_key_wrong' }));
  });
});
