import type { ErrorInfo } from '../shared/errors';

export interface Output {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processOutput = (json: boolean): Output => ({
  json,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});

/** A plain aligned table; callers choose the columns so nothing secret can slip in by accident. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatError(error: ErrorInfo): string {
  return `error [${error.code}]: ${error.message}`;
}
