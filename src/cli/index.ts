import { runCli } from './program';

/**
 * A reader that stops early (`lethe … --help | head -5`) closes the pipe under us: like any Unix
 * tool, stop quietly instead of dying on an unhandled EPIPE with a stack trace. --debug says so.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream, name: string): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (process.argv.includes('--debug') && stream !== process.stderr)
      process.stderr.write(`${name}: the reader closed the pipe (EPIPE)\n`);
    process.exit(process.exitCode ?? 0);
  });
}
quietOnClosedPipe(process.stdout, 'stdout');
quietOnClosedPipe(process.stderr, 'stderr');

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
