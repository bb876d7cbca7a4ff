import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  child(scope: string): Logger;
}

export interface LogSink {
  write(level: LogLevel, line: string): void;
}

/** Secrets known to this process (tokens, database keys), removed from every log line. */
const knownSecrets = new Set<string>();

export function registerSecret(secret: string): void {
  if (secret.length >= 6) knownSecrets.add(secret);
}

function describe(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` ${detail.name}: ${detail.message}${detail.stack ? `\n${detail.stack}` : ''}`;
  try {
    return ` ${JSON.stringify(detail)}`;
  } catch {
    return ` ${String(detail)}`;
  }
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const stderrSink: LogSink = {
  write(_level, line) {
    process.stderr.write(`${line}\n`);
  },
};

export function createLogger(scope: string, sink: LogSink = stderrSink, minLevel: LogLevel = 'info'): Logger {
  const emit = (level: LogLevel, message: string, detail?: unknown): void => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${describe(detail)}`;
    sink.write(level, redact(line, knownSecrets));
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
    child: (child) => createLogger(`${scope}/${child}`, sink, minLevel),
  };
}

/** A logger that keeps lines in memory, for tests that assert what was (not) logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('test', { write: (_l, line) => lines.push(line) }, 'debug');
  return Object.assign(logger, { lines });
}
