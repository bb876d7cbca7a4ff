import type { ErrorInfo } from '../shared/errors';

/** Exit codes are part of the CLI's contract: scripts branch on them. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class CliFailure extends Error {
  constructor(
    readonly info: ErrorInfo,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(info.message);
  }
}
