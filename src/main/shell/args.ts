export interface ShellArgs {
  /** `--demo`: start the embedded demo helpdesk and select its workspace. */
  readonly demo: boolean;
  /**
   * `--lethe-user-data=<dir>`: a different userData (and therefore data) directory, used by the
   * Electron test suite for a throw-away profile. Absolute paths only: a relative one would
   * depend on whatever directory the OS launched us from.
   */
  readonly userDataDir: string | null;
}

const USER_DATA_FLAG = '--lethe-user-data=';

/**
 * Reads our own flags from process.argv and ignores everything else (Chromium switches, the app
 * path Electron puts in argv when unpackaged, the file arguments some OSes pass).
 */
export function parseShellArgs(argv: readonly string[], isAbsolute: (path: string) => boolean): ShellArgs {
  let demo = false;
  let userDataDir: string | null = null;
  for (const arg of argv) {
    if (arg === '--demo') demo = true;
    else if (arg.startsWith(USER_DATA_FLAG)) {
      const dir = arg.slice(USER_DATA_FLAG.length);
      if (dir.length === 0 || !isAbsolute(dir) || dir.includes('\0')) {
        throw new Error(`${USER_DATA_FLAG.slice(0, -1)} needs an absolute directory`);
      }
      userDataDir = dir;
    }
  }
  return { demo, userDataDir };
}
