// Code signing and notarisation come from the environment only (no secret is ever in the
// repository). electron-builder reads these variables itself; this module only decides, before
// a long build, whether the result will be signed, and says so plainly when it will not.
// Checked by test/packaging/signing.test.ts.

const present = (env, name) => typeof env[name] === 'string' && env[name].trim().length > 0;

const NOTARY_SETS = [
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
];

/**
 * @param {NodeJS.Platform} platform the system the installers are built for
 * @param {Record<string, string | undefined>} env
 * @returns {{ sign: boolean, notarize: boolean, env: Record<string, string>, messages: string[], errors: string[] }}
 *   env: variables to add to electron-builder's environment; errors: stop before building.
 */
export function signingPlan(platform, env) {
  const messages = [];
  const errors = [];
  const extraEnv = {};
  let sign = false;
  let notarize = false;

  if (platform === 'darwin') {
    sign = present(env, 'CSC_LINK') || present(env, 'CSC_NAME');
    if (sign) messages.push('macOS: signing with the Developer ID certificate from CSC_LINK/CSC_NAME.');
    else {
      messages.push(
        'macOS: CSC_LINK (or CSC_NAME) is not set: the app is NOT signed, and Gatekeeper will refuse to open it without a right-click > Open.',
      );
      // Without this electron-builder would pick any identity it finds in the login keychain.
      extraEnv.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
    }
    for (const set of NOTARY_SETS) {
      const have = set.filter((name) => present(env, name));
      if (have.length === set.length) notarize = true;
      else if (have.length > 0)
        errors.push(`macOS notarisation: ${have.join(', ')} set but ${set.filter((n) => !have.includes(n)).join(', ')} missing.`);
    }
    if (present(env, 'APPLE_KEYCHAIN_PROFILE')) notarize = true;
    if (notarize && !sign) errors.push('macOS notarisation needs a signed app: set CSC_LINK (or CSC_NAME) too.');
    if (!notarize)
      messages.push('macOS: no APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID (or APPLE_API_KEY trio): notarisation skipped.');
    else if (errors.length === 0) messages.push('macOS: notarising with Apple after signing.');
  } else if (platform === 'win32') {
    sign = present(env, 'WIN_CSC_LINK') || present(env, 'CSC_LINK');
    if (sign) {
      messages.push('Windows: signing the installer and executables with the certificate from WIN_CSC_LINK/CSC_LINK.');
      if (!present(env, 'WIN_CSC_KEY_PASSWORD') && !present(env, 'CSC_KEY_PASSWORD')) {
        errors.push('Windows signing: a certificate is set but neither WIN_CSC_KEY_PASSWORD nor CSC_KEY_PASSWORD is.');
      }
    } else messages.push('Windows: WIN_CSC_LINK (or CSC_LINK) is not set: the installer is NOT signed, and SmartScreen will warn.');
  } else {
    messages.push('Linux: AppImage and .deb are not signed by electron-builder; publish SHA-256 sums beside them.');
  }
  return { sign, notarize, env: extraEnv, messages, errors };
}
