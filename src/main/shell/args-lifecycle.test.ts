import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShellArgs } from './args';
import { createQuitGuard } from './lifecycle';

describe('parseShellArgs', () => {
  it('finds --demo and the throw-away user data dir among Electron arguments', () => {
    expect(parseShellArgs(['/usr/bin/electron', '.', '--demo', '--lethe-user-data=/tmp/x'], isAbsolute)).toEqual({
      demo: true,
      userDataDir: '/tmp/x',
    });
    expect(parseShellArgs(['/opt/Lethe/lethe', '--no-sandbox-is-not-ours'], isAbsolute)).toEqual({ demo: false, userDataDir: null });
  });

  it('refuses a relative or empty user data dir', () => {
    expect(() => parseShellArgs(['--lethe-user-data=rel/dir'], isAbsolute)).toThrow(/absolute/);
    expect(() => parseShellArgs(['--lethe-user-data='], isAbsolute)).toThrow(/absolute/);
  });

  it('does not treat look-alike flags as ours', () => {
    expect(parseShellArgs(['--demo=false', '--demonstrate', 'demo'], isAbsolute)).toEqual({ demo: false, userDataDir: null });
  });
});

describe('createQuitGuard', () => {
  function deferred() {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('postpones the first quit, closes once, then lets the second quit through', async () => {
    const closing = deferred();
    let closes = 0;
    let quits = 0;
    const guard = createQuitGuard({
      close: () => {
        closes += 1;
        return closing.promise;
      },
      quit: () => {
        quits += 1;
      },
      log: { info: () => undefined, error: () => undefined },
    });
    expect(guard.onBeforeQuit()).toBe(true);
    expect(guard.state).toBe('closing');
    // A second Cmd+Q while closing neither quits early nor closes twice.
    expect(guard.onBeforeQuit()).toBe(true);
    expect(closes).toBe(1);
    expect(quits).toBe(0);
    closing.resolve();
    await flush();
    expect(guard.state).toBe('closed');
    expect(quits).toBe(1);
    expect(guard.onBeforeQuit()).toBe(false);
    expect(closes).toBe(1);
  });

  it('still quits when closing fails, and logs why', async () => {
    const closing = deferred();
    const errors: string[] = [];
    let quits = 0;
    const guard = createQuitGuard({
      close: () => closing.promise,
      quit: () => {
        quits += 1;
      },
      log: { info: () => undefined, error: (m) => errors.push(m) },
    });
    guard.onBeforeQuit();
    closing.reject(new Error('db busy'));
    await flush();
    expect(quits).toBe(1);
    expect(errors).toEqual(['shutdown did not complete cleanly']);
  });
});
