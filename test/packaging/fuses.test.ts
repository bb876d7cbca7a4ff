import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LETHE_FUSES, letheFuseConfig } from '../../scripts/packaging/fuses.mjs';

// The states issue #16 and docs/electron-security.md ask for, written out independently of
// scripts/packaging/fuses.mjs so a change there has to be a change here too.
const REQUIRED: Record<string, boolean> = {
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableCookieEncryption: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
};

// @electron/fuses' wire format: the sentinel, the wire version, its length, one byte per fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DISABLE = 0x30;
const ENABLE = 0x31;

describe('Electron fuses flipped at package time', () => {
  it('has the required state for every hardening fuse, and a reason for each', () => {
    for (const [fuse, enabled] of Object.entries(REQUIRED)) {
      const entry = LETHE_FUSES.find((f) => f.fuse === fuse);
      expect(entry, fuse).toBeDefined();
      expect(entry?.enabled, fuse).toBe(enabled);
    }
    for (const entry of LETHE_FUSES) expect(entry.why.length, entry.fuse).toBeGreaterThan(20);
    expect(new Set(LETHE_FUSES.map((f) => f.fuse)).size).toBe(LETHE_FUSES.length);
  });

  it('maps every fuse name to its @electron/fuses index', () => {
    const config = letheFuseConfig();
    expect(config.version).toBe(FuseVersion.V1);
    expect(config.resetAdHocDarwinSignature).toBe(false);
    for (const [fuse, enabled] of Object.entries(REQUIRED)) {
      expect(config[FuseV1Options[fuse as keyof typeof FuseV1Options]], fuse).toBe(enabled);
    }
    expect(letheFuseConfig({ darwinArm64: true }).resetAdHocDarwinSignature).toBe(true);
  });

  describe('applied by @electron/fuses to a binary with a fuse wire', () => {
    let dir: string;
    let binary: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lethe-fuses-'));
      binary = join(dir, 'electron');
      // Electron's defaults (RunAsNode, NODE_OPTIONS and --inspect on; integrity and asar-only
      // off), plus a ninth fuse this @electron/fuses does not know, as a newer Electron has.
      const wire = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE, ENABLE];
      await writeFile(
        binary,
        Buffer.concat([Buffer.from('ELF-ish prefix'), Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire]), Buffer.from('tail')]),
      );
    });
    afterAll(async () => rm(dir, { recursive: true, force: true }));

    it('reads back the configured state of every fuse and leaves an unknown fuse as it was', async () => {
      await flipFuses(binary, letheFuseConfig() as Parameters<typeof flipFuses>[1]);
      const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
      for (const { fuse, enabled } of LETHE_FUSES) {
        expect(wire[FuseV1Options[fuse]], fuse).toBe(enabled ? ENABLE : DISABLE);
      }
      expect(wire[8]).toBe(ENABLE);
      expect((await readFile(binary)).subarray(-4).toString()).toBe('tail');
    });
  });
});
