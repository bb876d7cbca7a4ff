import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// scripts/in-test-keyring.sh is what CI's whole run stands on: a Secret Service that stays unlocked
// even if its daemon exits mid-run (a re-activated gnome-keyring would otherwise come back locked
// and fail every keychain test after it). This starts its own nested session, so killing that
// session's daemon leaves the one the rest of the suite uses alone.
const keyring = (code: string) =>
  `node -e "const { Entry } = require('@napi-rs/keyring'); const e = new Entry('lethe-ci-keyring', 'probe'); ${code}"`;
const daemonPid =
  'dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus ' +
  "org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '{print $2}'";

function inTestKeyring(script: string) {
  return spawnSync('scripts/in-test-keyring.sh', ['bash', '-c', script], { encoding: 'utf8', timeout: 60_000 });
}

describe('scripts/in-test-keyring.sh', () => {
  it('keeps the keyring unlocked, with what it held, when its daemon is killed mid-run, and says so', () => {
    const result = inTestKeyring(
      [
        keyring(`e.setPassword('kept across a restart')`),
        `first=$(${daemonPid})`,
        'kill "$first"',
        'while kill -0 "$first" 2>/dev/null; do sleep 0.1; done',
        keyring(`console.log('read:' + e.getPassword()); e.setPassword('written after'); console.log('read:' + e.getPassword())`),
        `second=$(${daemonPid})`,
        '[ -n "$second" ] && [ "$second" != "$first" ] && echo restarted',
      ].join('\n'),
    );
    expect(result.stderr).not.toMatch(/GenericFailure|IsLocked/);
    expect(result.stdout).toContain('read:kept across a restart');
    expect(result.stdout).toContain('read:written after');
    expect(result.stdout).toContain('restarted');
    expect(result.stderr).toMatch(/daemon exited and was started again, unlocked \(2 starts/);
    expect(result.status).toBe(0);
  });

  it('passes the command’s exit status through and reports no restart when there was none', () => {
    const result = inTestKeyring(`${keyring(`e.setPassword('x'); console.log('read:' + e.getPassword())`)}\nexit 7`);
    expect(result.stdout).toContain('read:x');
    expect(result.stderr).not.toContain('started again');
    expect(result.status).toBe(7);
  });
});
