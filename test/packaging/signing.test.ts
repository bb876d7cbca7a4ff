import { describe, expect, it } from 'vitest';
import { signingPlan } from '../../scripts/packaging/signing.mjs';

describe('signing and notarisation from the environment', () => {
  it('builds unsigned on macOS without credentials, says so, and keeps electron-builder off the keychain', () => {
    const plan = signingPlan('darwin', {});
    expect(plan).toMatchObject({ sign: false, notarize: false, errors: [] });
    expect(plan.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    expect(plan.messages.join('\n')).toMatch(/NOT signed/);
    expect(plan.messages.join('\n')).toMatch(/notarisation skipped/);
  });

  it('treats empty variables (unset GitHub secrets) as absent', () => {
    expect(signingPlan('darwin', { CSC_LINK: '', APPLE_ID: ' ', APPLE_APP_SPECIFIC_PASSWORD: '', APPLE_TEAM_ID: '' })).toMatchObject({
      sign: false,
      notarize: false,
      errors: [],
    });
  });

  it('signs and notarises on macOS when every variable is there', () => {
    const plan = signingPlan('darwin', {
      CSC_LINK: 'base64-p12',
      CSC_KEY_PASSWORD: 'pw',
      APPLE_ID: 'officer@example.org',
      APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh',
      APPLE_TEAM_ID: 'TEAM123',
    });
    expect(plan).toMatchObject({ sign: true, notarize: true, errors: [], env: {} });
  });

  it('stops before building on a half-set notarisation or notarisation without signing', () => {
    expect(signingPlan('darwin', { CSC_LINK: 'x', APPLE_ID: 'a@b.c' }).errors.join('\n')).toMatch(
      /APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID missing/,
    );
    expect(signingPlan('darwin', { APPLE_KEYCHAIN_PROFILE: 'lethe' }).errors.join('\n')).toMatch(/needs a signed app/);
  });

  it('signs on Windows only with a certificate and its password', () => {
    expect(signingPlan('win32', {}).messages.join('\n')).toMatch(/NOT signed/);
    expect(signingPlan('win32', { WIN_CSC_LINK: 'cert' }).errors).toHaveLength(1);
    expect(signingPlan('win32', { WIN_CSC_LINK: 'cert', WIN_CSC_KEY_PASSWORD: 'pw' })).toMatchObject({ sign: true, errors: [] });
  });

  it('says Linux packages are unsigned', () => {
    expect(signingPlan('linux', { CSC_LINK: 'x' })).toMatchObject({ sign: false, errors: [] });
  });
});
