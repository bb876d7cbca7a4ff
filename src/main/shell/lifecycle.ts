export interface QuitGuardLog {
  info(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export interface QuitGuard {
  /**
   * Call from `before-quit`. Returns true when the quit must be postponed (the caller then calls
   * `event.preventDefault()`): the first quit starts the shutdown and quits again once it is done.
   */
  onBeforeQuit(): boolean;
  readonly state: 'running' | 'closing' | 'closed';
}

/**
 * Electron does not wait for async work in `before-quit`. Without this, the process can exit
 * while the cache is mid-write or before the WAL is checkpointed: stop accepting work, close the
 * core, then quit for real (Signal: `requestShutdown()` before `sql.close()`). A failing close
 * still quits; the cache is crash-safe and the error goes to the log.
 */
export function createQuitGuard(options: { close: () => Promise<void>; quit: () => void; log: QuitGuardLog }): QuitGuard {
  let state: QuitGuard['state'] = 'running';
  return {
    get state() {
      return state;
    },
    onBeforeQuit() {
      if (state === 'closed') return false;
      if (state === 'closing') return true;
      state = 'closing';
      options.log.info('shutting down');
      void options
        .close()
        .catch((error: unknown) => options.log.error('shutdown did not complete cleanly', error))
        .finally(() => {
          state = 'closed';
          options.quit();
        });
      return true;
    },
  };
}
